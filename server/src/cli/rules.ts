import * as fs from 'node:fs';
import * as path from 'node:path';
import { ruleDocsUrl } from '../core/docs';
import { allRules, ruleCatalog, similarRuleId } from '../rules';

export const RULES_USAGE = `Usage: apim-mtls rules [rule-id] [--format text|json]

Lists the rules: id, default level, the files each checks, what it finds and its documentation. Rule ids are what
.apim-mtls.json's "rules", the apimMtls.rules setting and the suppression comments take. With a rule id, prints that
rule's documentation page (why it matters, bad and good examples, the fix, what it rests on), or with --format json
its entry of the list.`;

const TARGETS = { policy: 'policy XML', bicep: 'Bicep', certificate: 'certificate files' } as const;

/** `apim-mtls rules`: the rule catalog, as text or JSON. */
export function runRules(args: string[], io: { stdout(s: string): void; stderr(s: string): void }): number {
  if (args.includes('-h') || args.includes('--help')) {
    io.stdout(RULES_USAGE + '\n');
    return 0;
  }
  const i = args.indexOf('--format');
  const format = i >= 0 ? args[i + 1] : 'text';
  const rest = args.filter((_, k) => i < 0 || (k !== i && k !== i + 1));
  // One rule id may be given; anything else is a mistake.
  const id = rest.length === 1 && !rest[0]!.startsWith('-') ? rest[0] : undefined;
  const unknown = id === undefined ? rest : [];
  if ((format !== 'text' && format !== 'json') || unknown.length > 0 || (i >= 0 && args[i + 1] === undefined)) {
    io.stderr(`apim-mtls rules: ${unknown.length ? `unknown argument "${unknown[0]}"` : `--format must be text or json`}\nRun "apim-mtls rules --help" for the options.\n`);
    return 2;
  }
  // `apim-mtls rules <id>`: the rule's page, from the docs shipped beside the bundle (npm package and .vsix alike).
  if (id !== undefined && format === 'text') return printRuleDocs(id, io);
  const rules = ruleCatalog.filter((r) => id === undefined || r.id === id).map((r) => ({
    id: r.id,
    defaultLevel: r.defaultLevel,
    checks: allRules.filter((x) => x.id === r.id).map((x) => TARGETS[x.target]),
    description: r.description,
    docs: ruleDocsUrl(r.id),
  }));
  if (id !== undefined && rules.length === 0) return noRule(id, io);
  if (format === 'json') {
    io.stdout(JSON.stringify(id === undefined ? rules : rules[0], null, 2) + '\n');
    return 0;
  }
  const width = Math.max(...rules.map((r) => r.id.length));
  for (const r of rules) {
    io.stdout(`${r.id.padEnd(width)}  ${r.defaultLevel.padEnd(7)}  ${r.checks.join(', ')}\n${' '.repeat(width + 2)}${r.description}\n\n`);
  }
  io.stdout(`${rules.length} rules. Documentation: ${ruleDocsUrl('<id>')}\n`);
  return 0;
}

function printRuleDocs(id: string, io: { stdout(s: string): void; stderr(s: string): void }): number {
  const rule = ruleCatalog.find((r) => r.id === id);
  if (!rule) return noRule(id, io);
  const page = path.join(__dirname, '..', 'docs', 'rules', `${rule.id}.md`);
  let text: string;
  try {
    text = fs.readFileSync(page, 'utf8');
  } catch {
    // A bundle run from elsewhere than its package: the page is online.
    io.stdout(`${rule.id} (${rule.defaultLevel}): ${rule.description}\nDocumentation: ${ruleDocsUrl(rule.id)}\n`);
    return 0;
  }
  // The `<!-- lint: … -->` lines tell the docs test how to lint an example; hidden on GitHub, noise in a terminal.
  text = text.replace(/^<!-- lint:.*-->\r?\n/gm, '');
  io.stdout(text.endsWith('\n') ? text : `${text}\n`);
  return 0;
}

function noRule(id: string, io: { stderr(s: string): void }): number {
  const similar = similarRuleId(id);
  io.stderr(`apim-mtls rules: no rule "${id}"${similar ? ` (did you mean ${similar}?)` : ''}; \`apim-mtls rules\` lists them\n`);
  return 2;
}
