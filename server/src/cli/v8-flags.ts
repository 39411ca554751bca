import * as v8 from 'node:v8';

/**
 * Imported first by the command line, before anything allocates much. One whole-workspace lint in six peaked at
 * 183–262 MB instead of 150 MB (bench/RESULTS.md, sixteenth pass): after the Bicep model was built (data that lives),
 * every young-generation collection promoted ≈ 6 MB instead of ≈ 1 MB, as when V8's allocation-site pretenuring has
 * tenured a site that the policies' short-lived parses also come from (which site was not identified). With the
 * pretenuring off, none of 100 did (70 with the flag given to node, 30 with it set here), and the time was the same.
 */
v8.setFlagsFromString('--no-allocation-site-pretenuring');
