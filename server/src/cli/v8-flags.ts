import * as v8 from 'node:v8';

/**
 * Imported first by the command line, before anything allocates much. V8's allocation-site pretenuring sometimes
 * decided, while a lint built the Bicep model (data that lives), to allocate objects of a site the policies share
 * straight in the old generation: every policy's parse then outlived its lint until the next full collection. One
 * whole-workspace lint in six peaked at 183–262 MB instead of 150 MB (bench/RESULTS.md, sixteenth pass); with the
 * pretenuring off, none of 100 did (70 with the flag given to node, 30 with it set here), and the time was the same.
 */
v8.setFlagsFromString('--no-allocation-site-pretenuring');
