// Reads the Bad and Good examples of the rule pages (docs/rules/<rule-id>.md) and writes each into a workspace that
// `apim-mtls lint` can read: the harness of test/unit/project/docs-examples.test.ts.
//
// Every ```xml and ```bicep block under "## Bad" or "## Good" is an example. An HTML comment on the line just before a
// block (invisible on GitHub) says how to lint it, as space-separated words:
//
//   <!-- lint: skip (why) -->     not linted; the reason is required
//   <!-- lint: sku=StandardV2 --> `--sku StandardV2`: the tier of a policy that no Bicep deploys (a list: Developer,StandardV2)
//   <!-- lint: file=a/b.xml -->   the example's path in the workspace (default: policy.xml, main.bicep)
//   <!-- lint: with=PATH -->      copy PATH into the workspace under its own name (with=examples/certs makes certs/);
//                                 repeatable
//   <!-- lint: in=PATH -->        write the example into the template PATH, at its line `// EXAMPLE` or `<!-- EXAMPLE -->`.
//                                 A Bicep example's first import/var/param/type lines go to the top of the file (not
//                                 when the template has the same line)
//   <!-- lint: patch -->          a Good example that shows only the lines that change: they replace the lines of the
//                                 page's first Bad example of the same language that start the same way (`data:`,
//                                 `<identity`, `return "X"`…; `properties: {` up to its closing line); the result is
//                                 linted with the Bad example's words and the Good one's
//   <!-- lint: patch=before -->   the same, for lines added before the Bad example (a check that goes first)
//   <!-- lint: with-bad -->       the page's first Bad example of the other language is written into the workspace too
//                                 (a Good Bicep that deploys the Bad policy safely)
//   <!-- lint: expand -->         a comment line holding `…` between two lines that differ in one number (`partner-01`,
//                                 `partner-11`) stands for the lines of the numbers in between, which are written out
//   <!-- lint: context -->        not an example: a file written into the workspace of every example of the page
//
// PATH is looked up in test/fixtures/docs-examples/ (the templates and the files the examples talk about), then in the
// repository (examples/certs…).
//
// A policy fragment is completed into a policy: a `<when …>` left open is closed, `<when>`s go in a `<choose>`,
// `<identity>`s in `<identities>`, and `<identities>` in `<validate-client-certificate>` (its defaults); sections
// (`<inbound>`…) go in `<policies>` with the missing ones added as `<section><base /></section>`; anything else goes
// in the `<inbound>` of such a policy, after `<base />`.

import * as fs from 'node:fs';
import * as path from 'node:path';

export type Lang = 'xml' | 'bicep';

export interface Directive {
  skip?: string;
  sku?: string;
  file?: string;
  with: string[];
  in?: string;
  /** `patch`: replace the Bad example's lines that start the same way; `before`: go before the Bad example. */
  patch?: 'replace' | 'before';
  expand: boolean;
  context: boolean;
  withBad: boolean;
}

export interface Example {
  /** The rule id: the page's file name. */
  rule: string;
  section: 'Bad' | 'Good';
  lang: Lang;
  /** 1-based line of the opening fence in the page. */
  line: number;
  code: string;
  directive: Directive;
}

/** A workspace to lint: files to write, repository paths to copy in, CLI arguments, and where the example is. */
export interface Workspace {
  files: Map<string, string>;
  copies: string[];
  args: string[];
  /** The example's file (workspace-relative, `/`-separated) and its lines there (1-based, inclusive). */
  exampleFile: string;
  exampleLines: [number, number];
}

const DIRECTIVE = /^<!--\s*lint:(.*?)-->\s*$/;

export function parseDirective(text: string, where: string): Directive {
  const d: Directive = { with: [], expand: false, context: false, withBad: false };
  let rest = text.trim();
  const skip = /^(.*?)\bskip\b(.*)$/.exec(rest);
  if (skip) {
    const reason = skip[2]!.trim().replace(/^\((.*)\)$/s, '$1').trim();
    if (!reason) throw new Error(`${where}: "lint: skip" needs a reason`);
    d.skip = reason;
    rest = skip[1]!.trim();
  }
  for (const word of rest.split(/\s+/).filter(Boolean)) {
    const [key, value] = word.includes('=') ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)] : [word, undefined];
    if (value === undefined && (key === 'expand' || key === 'context')) d[key] = true;
    else if (value === undefined && key === 'with-bad') d.withBad = true;
    else if (key === 'patch' && (value === undefined || value === 'before')) d.patch = value ?? 'replace';
    else if (value && key === 'with') d.with.push(value);
    else if (value && (key === 'sku' || key === 'file' || key === 'in')) d[key] = value;
    else throw new Error(`${where}: unknown lint directive "${word}"`);
  }
  return d;
}

/** The examples of a rule page, in page order. */
export function readExamples(pagePath: string): Example[] {
  const rule = path.basename(pagePath, '.md');
  const lines = fs.readFileSync(pagePath, 'utf8').split(/\r?\n/);
  const examples: Example[] = [];
  let section: string | undefined;
  let pending: { directive: Directive; line: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const where = `${path.basename(pagePath)}:${i + 1}`;
    const heading = /^## (.*?)\s*$/.exec(line);
    if (heading) section = heading[1];
    const directive = DIRECTIVE.exec(line);
    if (directive) {
      if (pending) throw new Error(`${where}: two lint directives in a row`);
      pending = { directive: parseDirective(directive[1]!, where), line: i + 1 };
      continue;
    }
    const fence = /^```(\w*)\s*$/.exec(line);
    if (fence) {
      const start = i;
      const body: string[] = [];
      for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
      const lang = fence[1];
      if ((section === 'Bad' || section === 'Good') && (lang === 'xml' || lang === 'bicep')) {
        examples.push({
          rule,
          section,
          lang,
          line: start + 1,
          code: body.join('\n') + '\n',
          directive: pending?.directive ?? parseDirective('', where),
        });
      } else if (pending) {
        throw new Error(`${path.basename(pagePath)}:${pending.line}: a lint directive before a block that is no example`);
      }
      pending = undefined;
      continue;
    }
    if (pending && line.trim() !== '') throw new Error(`${path.basename(pagePath)}:${pending.line}: a lint directive must come just before a code block`);
  }
  return examples;
}

// ---------------------------------------------------------------------------------------------------------------------
// Policy fragments

const SECTIONS = ['inbound', 'backend', 'outbound', 'on-error'];
const empty = (section: string) => [`    <${section}>`, '        <base />', `    </${section}>`];

function firstElement(xml: string): string | undefined {
  const s = xml.replace(/<!--[\s\S]*?-->/g, '').replace(/<\?[\s\S]*?\?>/g, '');
  return /<([A-Za-z][\w:.-]*)/.exec(s)?.[1];
}

function count(text: string, re: RegExp): number {
  return [...text.matchAll(re)].length;
}

function indent(text: string, by = '    '): string {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => (l.trim() ? by + l : l))
    .join('\n');
}

/** A fragment that shows only the start tag of a `<when …>` (or `<otherwise>`, `<choose>`) gets its end tag. */
export function closeOpenTags(xml: string): string {
  let out = xml.replace(/\n+$/, '');
  for (const name of ['when', 'otherwise', 'choose']) {
    const open = count(out, new RegExp(`<${name}[\\s>]`, 'g')) - count(out, new RegExp(`</${name}\\s*>`, 'g'));
    for (let k = 0; k < open; k++) out += `\n</${name}>`;
  }
  return out;
}

/** The policy document a fragment stands for, and the line (1-based) where the fragment's first line lands. */
export function completePolicy(fragment: string): { text: string; firstLine: number } {
  let body = fragment.replace(/\n+$/, '');
  let first = firstElement(body);
  if (first === 'policies' || first === 'fragment') return { text: body + '\n', firstLine: 1 };
  const before: string[] = [];
  const after: string[] = [];
  body = closeOpenTags(body);
  const wrap = (open: string, close: string) => {
    before.unshift(open);
    after.push(close);
  };
  if (first === 'identity') {
    wrap('<identities>', '</identities>');
    first = 'identities';
  }
  if (first === 'identities') wrap('<validate-client-certificate>', '</validate-client-certificate>');
  if (first === 'when' || first === 'otherwise') wrap('<choose>', '</choose>');
  if (first && SECTIONS.includes(first)) {
    const present = SECTIONS.filter((s) => new RegExp(`<${s}[\\s>/]`).test(body));
    const firstPresent = SECTIONS.indexOf(present[0]!);
    const head = SECTIONS.slice(0, firstPresent).filter((s) => !present.includes(s)).flatMap(empty);
    const tail = SECTIONS.slice(firstPresent).filter((s) => !present.includes(s)).flatMap(empty);
    const lines = ['<policies>', ...head];
    return { text: [...lines, indent(body), ...tail, '</policies>', ''].join('\n'), firstLine: lines.length + 1 };
  }
  const lines = ['<policies>', '    <inbound>', '        <base />', ...before.map((l, k) => '        ' + '    '.repeat(k) + l)];
  const depth = '        ' + '    '.repeat(before.length);
  const closing = after.map((l, k) => '        ' + '    '.repeat(after.length - 1 - k) + l);
  const rest = ['    </inbound>', ...SECTIONS.slice(1).flatMap(empty), '</policies>', ''];
  return { text: [...lines, indent(body, depth), ...closing, ...rest].join('\n'), firstLine: lines.length + 1 };
}

// ---------------------------------------------------------------------------------------------------------------------
// Edits the directives ask for

/** `expand`: a comment line holding `…` between two lines that differ in one number becomes the lines in between. */
export function expandElisions(code: string): string {
  const lines = code.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const prev = out[out.length - 1];
    const next = lines[i + 1];
    if (!/(\/\/|<!--).*…/.test(line) || prev === undefined || next === undefined) {
      out.push(line);
      continue;
    }
    const a = prev.split(/(\d+)/);
    const b = next.split(/(\d+)/);
    const differ = a.map((p, k) => (p !== b[k] ? k : -1)).filter((k) => k >= 0);
    if (a.length !== b.length || differ.length !== 1 || differ[0]! % 2 === 0) throw new Error(`expand: "${line.trim()}" is not between two lines that differ in one number`);
    const k = differ[0]!;
    const from = Number(a[k]);
    const to = Number(b[k]);
    for (let n = from + 1; n < to; n++) out.push(a.map((p, j) => (j === k ? String(n).padStart(a[k]!.length, '0') : p)).join(''));
  }
  return out.join('\n');
}

function lineKey(line: string): string {
  return /^\s*([^\s:=(]+:?)/.exec(line)?.[1] ?? '';
}

function indentOf(line: string): number {
  return /^\s*/.exec(line)![0].length;
}

/** `patch`: the Good lines replace the Bad lines that start the same way (a block up to its closing line). */
export function applyPatch(bad: string, good: string): string {
  const b = bad.replace(/\n+$/, '').split('\n');
  const g = good.replace(/\n+$/, '').split('\n');
  // The Bad line with the Good's first word (`data:`, `<identity`, `return`…) sharing the longest start with it.
  const key = lineKey(g[0]!);
  const shared = (l: string) => {
    const [x, y] = [l.trim(), g[0]!.trim()];
    let n = 0;
    while (n < x.length && x[n] === y[n]) n++;
    return lineKey(l) === key ? n : -1;
  };
  const best = Math.max(...b.map(shared));
  const starts = b.map((l, i) => (best > 0 && shared(l) === best ? i : -1)).filter((i) => i >= 0);
  if (starts.length !== 1) throw new Error(`patch: ${starts.length} lines of the Bad example match "${g[0]!.trim()}"`);
  const i = starts[0]!;
  let j = i;
  if (g.length > 1) {
    while (j + 1 < b.length && (b[j + 1]!.trim() === '' || indentOf(b[j + 1]!) > indentOf(b[i]!))) j++;
    if (j + 1 < b.length && /^\s*([}\])]|<\/)/.test(b[j + 1]!)) j++;
  }
  const shift = indentOf(b[i]!) - indentOf(g[0]!);
  const moved = g.map((l) => (shift >= 0 ? ' '.repeat(shift) + l : l.slice(Math.min(-shift, indentOf(l)))));
  return [...b.slice(0, i), ...moved, ...b.slice(j + 1)].join('\n') + '\n';
}

const TOP_LEVEL = /^(import|var|param|type|func|targetScope|metadata)\b/;
const MARKER = /^[ \t]*(\/\/|<!--)\s*EXAMPLE\s*(-->)?[ \t]*$/m;

function withoutComment(line: string): string {
  return line.replace(/\s*\/\/.*$/, '').trim();
}

/** `in=`: the example in the template at its EXAMPLE line; the lines (1-based) of its body there. */
export function fillTemplate(template: string, code: string, lang: Lang): { text: string; lines: [number, number] } {
  const m = MARKER.exec(template);
  if (!m) throw new Error('template without an EXAMPLE line');
  const lines = code.replace(/\n+$/, '').split('\n');
  const hoisted: string[] = [];
  if (lang === 'bicep') {
    while (lines.length && (TOP_LEVEL.test(lines[0]!) || (hoisted.length && lines[0]!.trim() === ''))) hoisted.push(lines.shift()!);
  }
  const known = new Set(template.split('\n').map(withoutComment));
  const top = hoisted.filter((l) => l.trim() && !known.has(withoutComment(l)));
  const pad = /^[ \t]*/.exec(m[0])![0];
  const common = Math.min(...lines.filter((l) => l.trim()).map(indentOf));
  const head = (top.length ? top.join('\n') + '\n' : '') + template.slice(0, m.index);
  const firstLine = head.split('\n').length;
  const body = lines.map((l) => (l.trim() ? pad + l.slice(common) : '')).join('\n');
  return { text: head + body + template.slice(m.index + m[0].length), lines: [firstLine, firstLine + lines.length - 1] };
}

// ---------------------------------------------------------------------------------------------------------------------
// Workspaces

/** Where the directives' paths are looked up first: the templates and context files of the examples. */
export const FIXTURES = path.join('test', 'fixtures', 'docs-examples');

/** A directive's path: in test/fixtures/docs-examples/ when it is there, else in the repository. */
export function resolvePath(p: string, repoRoot: string): string {
  const fixture = path.join(repoRoot, FIXTURES, p);
  const resolved = fs.existsSync(fixture) ? fixture : path.join(repoRoot, p);
  if (!fs.existsSync(resolved)) throw new Error(`${p}: neither in ${FIXTURES} nor in the repository`);
  return resolved;
}

function defaultFile(lang: Lang): string {
  return lang === 'xml' ? 'policy.xml' : 'main.bicep';
}

/** Writes a block as a file of the workspace, as its directive says; returns its path and the example's lines. */
function place(ws: Workspace, code: string, lang: Lang, d: Directive, repoRoot: string): { file: string; lines: [number, number] } {
  const file = d.file ?? defaultFile(lang);
  if (ws.files.has(file)) throw new Error(`two blocks of the example write ${file}`);
  const length = code.replace(/\n+$/, '').split('\n').length;
  let text = code;
  let lines: [number, number] = [1, length];
  if (d.in) {
    ({ text, lines } = fillTemplate(fs.readFileSync(resolvePath(d.in, repoRoot), 'utf8'), lang === 'xml' ? closeOpenTags(code) : code, lang));
  } else if (lang === 'xml') {
    const policy = completePolicy(code);
    text = policy.text;
    lines = [policy.firstLine, policy.firstLine + length - 1];
  }
  ws.files.set(file, text);
  return { file, lines };
}

/** The first Bad example of the page in `lang` that is an example of its own. */
function badExample(page: Example[], lang: Lang, why: string): Example {
  const bad = page.find((e) => e.section === 'Bad' && e.lang === lang && !e.directive.context && !e.directive.skip);
  if (!bad) throw new Error(`${why}: no Bad ${lang} example on the page`);
  return bad;
}

function badCode(bad: Example): string {
  return bad.directive.expand ? expandElisions(bad.code) : bad.code;
}

/** The workspace for one example of a page (not a context block nor a skipped one). */
export function workspaceFor(example: Example, page: Example[], repoRoot: string): Workspace {
  let code = example.code;
  let d = example.directive;
  if (d.patch) {
    const bad = badExample(page, example.lang, 'patch');
    code = d.patch === 'before' ? code.replace(/\n*$/, '\n') + badCode(bad) : applyPatch(badCode(bad), code);
    // Linted as the Bad example is; what the Good one's directive says is added.
    d = {
      ...bad.directive,
      sku: d.sku ?? bad.directive.sku,
      file: d.file ?? bad.directive.file,
      in: d.in ?? bad.directive.in,
      with: [...bad.directive.with, ...d.with],
      withBad: d.withBad || bad.directive.withBad,
    };
  }
  if (d.expand) code = expandElisions(code);
  const ws: Workspace = { files: new Map(), copies: [], args: [], exampleFile: '', exampleLines: [0, 0] };
  const { file, lines } = place(ws, code, example.lang, d, repoRoot);
  ws.exampleFile = file;
  ws.exampleLines = lines;
  ws.copies.push(...d.with);
  if (d.withBad) {
    const bad = badExample(page, example.lang === 'xml' ? 'bicep' : 'xml', 'with-bad');
    place(ws, badCode(bad), bad.lang, { ...bad.directive, in: undefined, with: [] }, repoRoot);
  }
  for (const context of page.filter((e) => e.directive.context)) {
    place(ws, context.code, context.lang, context.directive, repoRoot);
    ws.copies.push(...context.directive.with);
  }
  ws.copies = [...new Set(ws.copies)];
  if (d.sku) ws.args.push('--sku', d.sku);
  return ws;
}

/** Writes the workspace under `dir`; `turnOn` names a rule that is off by default, turned on in its .apim-mtls.json. */
export function writeWorkspace(ws: Workspace, dir: string, repoRoot: string, turnOn?: string): void {
  for (const copy of ws.copies) fs.cpSync(resolvePath(copy, repoRoot), path.join(dir, path.basename(copy)), { recursive: true });
  for (const [rel, text] of ws.files) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  if (turnOn) {
    const configPath = path.join(dir, '.apim-mtls.json');
    const config = fs.existsSync(configPath) ? JSON.parse(fs.readFileSync(configPath, 'utf8')) : {};
    config.rules = { ...config.rules, [turnOn]: 'warning' };
    fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
  }
}
