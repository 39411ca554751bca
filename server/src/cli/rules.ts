import { ruleDocsUrl } from '../core/docs';
import { allRules, ruleCatalog } from '../rules';

export const RULES_USAGE = `Usage: apim-mtls rules [--format text|json]

Lists the rules: id, default level, the files each checks, what it finds and its documentation. Rule ids are what
.apim-mtls.json's "rules", the apimMtls.rules setting and the suppression comments take.`;

const TARGETS = { policy: 'policy XML', bicep: 'Bicep', certificate: 'certificate files' } as const;

/** `apim-mtls rules`: the rule catalog, as text or JSON. */
export function runRules(args: string[], io: { stdout(s: string): void; stderr(s: string): void }): number {
  if (args.includes('-h') || args.includes('--help')) {
    io.stdout(RULES_USAGE + '\n');
    return 0;
  }
  const i = args.indexOf('--format');
  const format = i >= 0 ? args[i + 1] : 'text';
  const unknown = args.filter((_, k) => i < 0 || (k !== i && k !== i + 1));
  if ((format !== 'text' && format !== 'json') || unknown.length > 0 || (i >= 0 && args[i + 1] === undefined)) {
    io.stderr(`apim-mtls rules: ${unknown.length ? `unknown argument "${unknown[0]}"` : `--format must be text or json`}\n\n${RULES_USAGE}\n`);
    return 2;
  }
  const rules = ruleCatalog.map((r) => ({
    id: r.id,
    defaultLevel: r.defaultLevel,
    checks: allRules.filter((x) => x.id === r.id).map((x) => TARGETS[x.target]),
    description: r.description,
    docs: ruleDocsUrl(r.id),
  }));
  if (format === 'json') {
    io.stdout(JSON.stringify(rules, null, 2) + '\n');
    return 0;
  }
  const width = Math.max(...rules.map((r) => r.id.length));
  for (const r of rules) {
    io.stdout(`${r.id.padEnd(width)}  ${r.defaultLevel.padEnd(7)}  ${r.checks.join(', ')}\n${' '.repeat(width + 2)}${r.description}\n\n`);
  }
  io.stdout(`${rules.length} rules. Documentation: ${ruleDocsUrl('<id>')}\n`);
  return 0;
}
