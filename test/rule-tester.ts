import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Finding, Fix, Level } from '../server/src/core/finding';
import { LineIndex } from '../server/src/core/text';
import { DEFAULT_CONFIG, mergeConfig } from '../server/src/engine/config';
import { applyEdits } from '../server/src/engine/autofix';
import { Workspace } from '../server/src/engine/workspace';
import type { Sku } from '../server/src/model/sku';
import type { Rule } from '../server/src/rules/types';

/** The virtual folder test workspaces live in (nothing is read from or written to disk). */
export const WS = path.resolve('/rule-tester-ws');

export interface RuleCase {
  name: string;
  /** The text of the file under test. */
  code: string;
  /** Its path relative to the workspace (default: `api.policy.xml` for policy rules, `main.bicep` for Bicep rules). */
  filename?: string;
  /** Other files of the workspace, by relative path. */
  files?: Record<string, string | Uint8Array>;
  /** The SKUs configured for policies that no Bicep deploys (`--sku`). */
  sku?: Sku[];
  /** The moment certificates are judged against. */
  now?: Date;
  /** The rule's configured level (default: its default level). */
  level?: Level;
  /** Other rules to run alongside (their findings are not the case's), and levels configured for any rule. */
  withRules?: readonly Rule[];
  levels?: Record<string, Level>;
}

export interface ExpectedFinding {
  /** 1-based line of the start. */
  line: number;
  level?: Level;
  /** A substring or pattern of the message. */
  message?: string | RegExp;
  /** The exact source text the finding covers. */
  text?: string;
}

export interface InvalidCase extends RuleCase {
  findings: ExpectedFinding[];
  /** The file's text after applying the first finding's first (or preferred) fix, when the rule offers one. */
  output?: string;
  /** The first finding offers no fix at all. */
  noFix?: boolean;
}

/** Lints one case with only the given rule enabled; returns the findings and the workspace. */
export function lintCase(rule: Rule, c: RuleCase): { findings: Finding[]; notices: string[]; ws: Workspace; file: string } {
  const config = mergeConfig(DEFAULT_CONFIG, { skus: c.sku, rules: { ...c.levels, ...(c.level ? { [rule.id]: c.level } : {}) } });
  const ws = new Workspace({ configFor: () => ({ config, problems: [] }), now: () => c.now ?? new Date(), rules: [rule, ...(c.withRules ?? [])] });
  for (const [rel, content] of Object.entries(c.files ?? {})) {
    ws.set(path.join(WS, rel), typeof content === 'string' ? { text: content } : { bytes: content });
  }
  const file = path.join(WS, c.filename ?? defaultFilename(rule));
  ws.set(file, { text: c.code });
  const result = ws.lint(file, { certificateRules: true });
  return { findings: result.findings.filter((f) => f.ruleId === rule.id), notices: result.notices, ws, file };
}

function defaultFilename(rule: Rule): string {
  return rule.target === 'bicep' ? 'main.bicep' : rule.target === 'certificate' ? 'cert.cer' : 'api.policy.xml';
}

/** Applies a fix's edits to one file's text (edits in other files are ignored here). */
export function applyFix(text: string, fix: Fix, file: string): string {
  return applyEdits(text, fix.edits.filter((e) => e.file === file));
}

/** Registers a table of valid and invalid cases for one rule, typescript-eslint RuleTester style. */
export function testRule(rule: Rule, cases: { valid: RuleCase[]; invalid: InvalidCase[] }): void {
  describe(rule.id, () => {
    for (const c of cases.valid) {
      it(`valid: ${c.name}`, () => {
        const { findings, notices } = lintCase(rule, c);
        assert.deepEqual(notices, [], 'no notices');
        assert.deepEqual(
          findings.map((f) => `${f.ruleId}: ${f.message}`),
          [],
          'expected no findings',
        );
      });
    }
    for (const c of cases.invalid) {
      it(`invalid: ${c.name}`, () => {
        const { findings, notices, file } = lintCase(rule, c);
        assert.deepEqual(notices, [], 'no notices');
        const index = new LineIndex(c.code);
        const got = findings.map((f) => ({ line: index.positionAt(f.span.start).line + 1, f }));
        assert.equal(
          got.length,
          c.findings.length,
          `expected ${c.findings.length} finding(s), got: ${JSON.stringify(got.map((g) => `${g.line}: [${g.f.level}] ${g.f.message}`), null, 1)}`,
        );
        c.findings.forEach((want, i) => {
          const { line, f } = got[i]!;
          assert.equal(line, want.line, `finding ${i} line (${f.message})`);
          assert.equal(f.ruleId, rule.id);
          if (want.level) assert.equal(f.level, want.level, `finding ${i} level (${f.message})`);
          if (typeof want.message === 'string') assert.ok(f.message.includes(want.message), `message "${f.message}" should include "${want.message}"`);
          if (want.message instanceof RegExp) assert.match(f.message, want.message);
          if (want.text !== undefined) assert.equal(c.code.slice(f.span.start, f.span.end), want.text, `finding ${i} covers`);
        });
        if (c.noFix) assert.deepEqual(findings[0]?.fixes.map((f) => f.title), [], 'no fix on the first finding');
        if (c.output !== undefined) {
          const first = findings[0];
          assert.ok(first && first.fixes.length > 0, 'expected a fix on the first finding');
          const fix = first.fixes.find((x) => x.preferred) ?? first.fixes[0]!;
          assert.equal(applyFix(c.code, fix, file), c.output);
        }
      });
    }
  });
}
