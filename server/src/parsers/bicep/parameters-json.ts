import type { Span } from '../../core/text';
import type { ArrayExpr, BicepFile, CallExpr, Expr, ObjectExpr, ParamDecl, PropertyMember, StringExpr, UsingDecl } from './types';

/**
 * ARM JSON parameters files, read as the `.bicepparam` file they stand for: a `using` of the template they are for and
 * one `param name = value` per parameter. The model then takes their values as it takes a `.bicepparam` file's.
 *
 * The file names no template, so the template is found by name, as azd and Microsoft Learn name them:
 * `main.parameters.json` and `main.parameters.prod.json` (or `.prod.westeurope.json`) are for `main.bicep`;
 * `main.prod.parameters.json` is for `main.prod.bicep` or, when there is none, `main.bicep`.
 */
export const PARAMETERS_JSON_NAME = /^(.+?)\.parameters(?:\.[^./\\]+)*\.json$/i;

const MAX_DEPTH = 200;

/** `main.prod.parameters.json` → `./main.prod.bicep`, `./main.bicep`: the templates a parameters file may be for, nearest name first. */
export function parametersTemplates(fileName: string): string[] {
  const stem = PARAMETERS_JSON_NAME.exec(fileName)?.[1];
  if (!stem) return [];
  const out: string[] = [];
  for (let s = stem; s; s = s.includes('.') ? s.slice(0, s.lastIndexOf('.')) : '') out.push(`./${s}.bicep`);
  return out;
}

/**
 * Reads a JSON parameters file (comments and trailing commas allowed, as Azure's tools accept). A file that is not a
 * deployment parameters object (no `"parameters": { … }`) gives no declarations; one that can't be read gives an
 * opaque `using`: every parameter may then hold anything from it.
 */
export function parseParametersJson(text: string, fileName: string): BicepFile {
  const file: BicepFile = { text, declarations: [], directives: [], comments: [], problems: [] };
  const templates = parametersTemplates(fileName);
  if (templates.length === 0) return file;
  const reader = new JsonReader(text);
  let root: Expr | undefined;
  try {
    root = reader.document();
  } catch (e) {
    if (!(e instanceof JsonError)) throw e;
    file.problems.push({ span: { start: e.at, end: Math.min(text.length, e.at + 1) }, message: e.message });
  }
  const [first, ...fallbacks] = templates as [string, ...string[]];
  const using = (opaque: boolean): UsingDecl => {
    const d: UsingDecl = { kind: 'using', span: { start: 0, end: 0 }, decorators: [], path: first, fallbacks };
    if (opaque) d.opaque = true;
    return d;
  };
  if (!root) {
    file.declarations.push(using(true));
    return file;
  }
  const parameters = root.kind === 'object' ? member(root, 'parameters') : undefined;
  if (parameters?.value.kind !== 'object') return file;
  file.declarations.push(using(false));
  for (const m of parameters.value.members) {
    if (m.kind !== 'property') continue;
    const value = parameterValue(m);
    const decl: ParamDecl = { kind: 'param', span: m.span, decorators: [], name: m.key, nameSpan: m.keySpan };
    if (value) decl.defaultValue = value;
    file.declarations.push(decl);
  }
  return file;
}

/** `{ "value": … }` → the value; `{ "reference": { "keyVault": … } }` → a value known only at deployment. */
function parameterValue(m: PropertyMember): Expr | undefined {
  if (m.value.kind !== 'object') return undefined;
  const value = member(m.value, 'value');
  if (value) return value.value;
  const reference = member(m.value, 'reference');
  return reference && unknownCall('reference', reference.span, []);
}

function member(obj: ObjectExpr, key: string): PropertyMember | undefined {
  for (const m of obj.members) if (m.kind === 'property' && m.key === key) return m;
  return undefined;
}

function unknownCall(name: string, span: Span, args: Expr[]): CallExpr {
  return { kind: 'call', span, name, nameSpan: span, args };
}

/**
 * azd replaces `${NAME}` in a parameter's value with the environment variable (envsubst: `${NAME=default}`,
 * `${NAME:-default}`… give a default). A whole-string substitution reads as `readEnvironmentVariable(NAME, default)`:
 * the default or another value; any other `${…}` is unknown.
 */
function substitution(value: string, span: Span): Expr | undefined {
  if (!value.includes('${')) return undefined;
  const m = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-=](.*))?\}$/s.exec(value);
  if (!m) return unknownCall('envsubst', span, []);
  const str = (v: string): StringExpr => ({ kind: 'string', span, value: v, multiline: false });
  return unknownCall('readEnvironmentVariable', span, m[2] === undefined ? [str(m[1]!)] : [str(m[1]!), str(m[2])]);
}

export class JsonError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

/** A small JSON-with-comments reader that keeps spans. Errors throw JsonError at their offset. */
export class JsonReader {
  private pos = 0;

  constructor(private readonly text: string) {}

  document(): Expr {
    const v = this.value(0);
    this.blank();
    if (this.pos < this.text.length) this.fail('unexpected text after the JSON value');
    return v;
  }

  private value(depth: number): Expr {
    if (depth > MAX_DEPTH) this.fail(`nested more than ${MAX_DEPTH} levels deep`);
    this.blank();
    const start = this.pos;
    const c = this.text[this.pos];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') {
      const value = this.string();
      const span = { start, end: this.pos };
      return substitution(value, span) ?? { kind: 'string', span, value, multiline: false };
    }
    const word = /true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    word.lastIndex = start;
    const m = word.exec(this.text);
    if (!m) this.fail(c === undefined ? 'unexpected end of the file' : `unexpected ${JSON.stringify(c)}`);
    this.pos = word.lastIndex;
    const span = { start, end: this.pos };
    if (m[0] === 'null') return { kind: 'null', span };
    if (m[0] === 'true' || m[0] === 'false') return { kind: 'bool', span, value: m[0] === 'true' };
    return { kind: 'number', span, value: Number(m[0]) };
  }

  private object(depth: number): ObjectExpr {
    const start = this.pos++;
    const members: PropertyMember[] = [];
    for (;;) {
      this.blank();
      if (this.text[this.pos] === '}') break;
      const keyStart = this.pos;
      if (this.text[this.pos] !== '"') this.fail('expected a property name in double quotes');
      const key = this.string();
      const keySpan = { start: keyStart, end: this.pos };
      this.blank();
      if (this.text[this.pos] !== ':') this.fail('expected ":"');
      this.pos++;
      const value = this.value(depth + 1);
      members.push({ kind: 'property', span: { start: keyStart, end: value.span.end }, key, keySpan, value });
      if (!this.separator('}')) break;
    }
    this.pos++;
    return { kind: 'object', span: { start, end: this.pos }, members };
  }

  private array(depth: number): ArrayExpr {
    const start = this.pos++;
    const items: Expr[] = [];
    for (;;) {
      this.blank();
      if (this.text[this.pos] === ']') break;
      items.push(this.value(depth + 1));
      if (!this.separator(']')) break;
    }
    this.pos++;
    return { kind: 'array', span: { start, end: this.pos }, items };
  }

  /** After an item: `,` (true: another may follow) or the closing bracket (false). A trailing comma is allowed. */
  private separator(close: string): boolean {
    this.blank();
    const c = this.text[this.pos];
    if (c === ',') {
      this.pos++;
      return true;
    }
    if (c !== close) this.fail(`expected "," or "${close}"`);
    return false;
  }

  private string(): string {
    const start = this.pos;
    // A plain scan for the closing quote (a regex with a repeated group would backtrack on an unterminated string).
    const special = /["\\\n]/g;
    special.lastIndex = start + 1;
    for (;;) {
      const m = special.exec(this.text);
      if (!m || m[0] === '\n') this.fail('unterminated string', start);
      if (m[0] === '"') break;
      special.lastIndex++; // skip the escaped character
    }
    this.pos = special.lastIndex;
    try {
      return JSON.parse(this.text.slice(start, this.pos)) as string;
    } catch {
      this.fail('invalid escape in a string', start);
    }
  }

  /** Whitespace and `//` / `/* … *\/` comments. */
  private blank(): void {
    const re = /(?:\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*/y;
    re.lastIndex = this.pos;
    re.exec(this.text);
    this.pos = re.lastIndex;
    if (this.text.startsWith('/*', this.pos)) this.fail('unterminated comment');
  }

  private fail(message: string, at = this.pos): never {
    throw new JsonError(`JSON parameters file: ${message}`, at);
  }
}
