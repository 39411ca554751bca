import * as fs from 'node:fs';
import * as path from 'node:path';
import { ruleDocsUrl } from '../core/docs';
import { allRules, ruleCatalog, similarRuleId } from '../rules';
import { parseArgs, UsageError, type ParsedArgs } from './args';

export const RULES_USAGE = `Usage: apim-mtls rules [rule-id] [--format text|json]

Lists the rules: id, default level, the files each checks, what it finds and its documentation. Rule ids are what
.apim-mtls.json's "rules", the apimMtls.rules setting and the suppression comments take. With a rule id, prints that
rule's documentation page (why it matters, bad and good examples, the fix, what it rests on), or with --format json
its entry of the list.`;

const TARGETS = { policy: 'policy XML', bicep: 'Bicep', certificate: 'certificate files' } as const;

/** `apim-mtls rules`: the rule catalog, as text or JSON. */
export function runRules(args: string[], io: { stdout(s: string): void; stderr(s: string): void }): number {
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs(args, { values: ['--format'], flags: ['--help', '-h'] });
  } catch (e) {
    return usage(io, e instanceof UsageError ? e.message : String(e));
  }
  if (parsed.flags.has('--help') || parsed.flags.has('-h')) {
    io.stdout(RULES_USAGE + '\n');
    return 0;
  }
  const format = parsed.values.get('--format') ?? 'text';
  if (format !== 'text' && format !== 'json') return usage(io, `--format must be text or json, not "${format}"`);
  // One rule id may be given; a second is named as the mistake.
  if (parsed.positionals.length > 1) return usage(io, `one rule id at most: unexpected argument "${parsed.positionals[1]}"`);
  const id = parsed.positionals[0];
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

function usage(io: { stderr(s: string): void }, message: string): number {
  io.stderr(`apim-mtls rules: ${message}\nRun "apim-mtls rules --help" for the options.\n`);
  return 2;
}
