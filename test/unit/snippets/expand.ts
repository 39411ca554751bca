// Expands VS Code snippet bodies the way the editor would when every placeholder keeps its default:
// `$1` / `${1}` → the default given to tab stop 1 elsewhere (mirrors) or empty, `${1:default}` → default
// (nested placeholders expanded), `${1|a,b|}` → first choice, `$VAR` / `${VAR:default}` → a fixed value,
// else the default, else empty (unknown names are inserted as their name, as VS Code does), `\$` `\}` `\\` → literal.
// Transforms (`${1/regex/format/flags}`) are applied to the value they transform.
// Syntax reference: https://code.visualstudio.com/docs/editor/userdefinedsnippets#_grammar
import * as fs from 'node:fs';

export interface Snippet {
  name: string;
  prefix: string | string[];
  description: string;
  body: string | string[];
}

type Node =
  | { kind: 'text'; value: string }
  | { kind: 'tabstop'; index: number; children?: Node[]; choices?: string[]; transform?: Transform }
  | { kind: 'variable'; name: string; children?: Node[]; transform?: Transform };

interface Transform {
  regex: RegExp;
  format: string;
}

/** Values for the variables VS Code knows. Those not listed here expand to their default, or to nothing. */
const KNOWN_VARIABLES: Record<string, string> = {
  TM_SELECTED_TEXT: '',
  TM_CURRENT_LINE: '',
  TM_CURRENT_WORD: '',
  TM_LINE_INDEX: '0',
  TM_LINE_NUMBER: '1',
  TM_FILENAME: 'policy.xml',
  TM_FILENAME_BASE: 'policy',
  TM_DIRECTORY: '',
  TM_FILEPATH: 'policy.xml',
  RELATIVE_FILEPATH: 'policy.xml',
  CLIPBOARD: '',
  WORKSPACE_NAME: 'workspace',
  WORKSPACE_FOLDER: '',
  CURSOR_INDEX: '0',
  CURSOR_NUMBER: '1',
  CURRENT_YEAR: '2026',
  CURRENT_YEAR_SHORT: '26',
  CURRENT_MONTH: '01',
  CURRENT_MONTH_NAME: 'January',
  CURRENT_MONTH_NAME_SHORT: 'Jan',
  CURRENT_DATE: '01',
  CURRENT_DAY_NAME: 'Thursday',
  CURRENT_DAY_NAME_SHORT: 'Thu',
  CURRENT_HOUR: '00',
  CURRENT_MINUTE: '00',
  CURRENT_SECOND: '00',
  CURRENT_SECONDS_UNIX: '1767225600',
  CURRENT_TIMEZONE_OFFSET: 'Z',
  RANDOM: '123456',
  RANDOM_HEX: 'a1b2c3',
  UUID: '00000000-0000-4000-8000-000000000000',
  BLOCK_COMMENT_START: '<!--',
  BLOCK_COMMENT_END: '-->',
  LINE_COMMENT: '',
};
/** Variables that are empty in a fresh insertion: their `${VAR:default}` default applies. */
const EMPTY_BY_DEFAULT = new Set(['TM_SELECTED_TEXT', 'TM_CURRENT_WORD', 'CLIPBOARD', 'TM_DIRECTORY', 'WORKSPACE_FOLDER', 'LINE_COMMENT', 'TM_CURRENT_LINE']);

class Parser {
  private pos = 0;
  constructor(private readonly src: string) {}

  /** Parses until end of input, or (inside a placeholder) until an unescaped `}`. */
  parse(inside: boolean): Node[] {
    const nodes: Node[] = [];
    let text = '';
    const flush = () => {
      if (text) nodes.push({ kind: 'text', value: text });
      text = '';
    };
    while (this.pos < this.src.length) {
      const ch = this.src[this.pos];
      if (ch === '\\') {
        const next = this.src[this.pos + 1];
        if (next === '$' || next === '}' || next === '\\') {
          text += next;
          this.pos += 2;
        } else {
          text += ch;
          this.pos++;
        }
        continue;
      }
      if (inside && ch === '}') break;
      if (ch === '$') {
        const start = this.pos;
        const node = this.parseDollar();
        if (node) {
          flush();
          nodes.push(node);
        } else {
          this.pos = start + 1;
          text += '$';
        }
        continue;
      }
      text += ch;
      this.pos++;
    }
    flush();
    return nodes;
  }

  /** At a `$`: returns the construct, or undefined (caller treats the `$` as text). */
  private parseDollar(): Node | undefined {
    const src = this.src;
    this.pos++; // '$'
    let m = /^\d+/.exec(src.slice(this.pos));
    if (m) {
      this.pos += m[0].length;
      return { kind: 'tabstop', index: Number(m[0]) };
    }
    m = /^[_a-zA-Z][_a-zA-Z0-9]*/.exec(src.slice(this.pos));
    if (m) {
      this.pos += m[0].length;
      return { kind: 'variable', name: m[0] };
    }
    if (src[this.pos] !== '{') return undefined;
    this.pos++;
    const isInt = /^\d+/.exec(src.slice(this.pos));
    const isVar = isInt ? null : /^[_a-zA-Z][_a-zA-Z0-9]*/.exec(src.slice(this.pos));
    if (!isInt && !isVar) return undefined;
    this.pos += (isInt ?? isVar)![0].length;
    const base: Node = isInt ? { kind: 'tabstop', index: Number(isInt[0]) } : { kind: 'variable', name: isVar![0] };
    const c = src[this.pos];
    if (c === '}') {
      this.pos++;
      return base;
    }
    if (c === ':') {
      this.pos++;
      const children = this.parse(true);
      if (src[this.pos] !== '}') return undefined;
      this.pos++;
      return { ...base, children };
    }
    if (c === '|' && base.kind === 'tabstop') {
      this.pos++;
      const choices: string[] = [];
      let cur = '';
      while (this.pos < src.length) {
        const ch = src[this.pos];
        if (ch === '\\' && this.pos + 1 < src.length && ',|\\$}'.includes(src[this.pos + 1])) {
          cur += src[this.pos + 1];
          this.pos += 2;
        } else if (ch === ',') {
          choices.push(cur);
          cur = '';
          this.pos++;
        } else if (ch === '|' && src[this.pos + 1] === '}') {
          choices.push(cur);
          this.pos += 2;
          return { ...base, choices };
        } else {
          cur += ch;
          this.pos++;
        }
      }
      return undefined;
    }
    if (c === '/') {
      const parts: string[] = [];
      let cur = '';
      this.pos++;
      while (this.pos < src.length && parts.length < 3) {
        const ch = src[this.pos];
        if (parts.length === 1 && ch === '$' && src[this.pos + 1] === '{') {
          // a `${1:/upcase}`-style format item: its `/` and `}` belong to it
          const close = src.indexOf('}', this.pos);
          if (close < 0) return undefined;
          cur += src.slice(this.pos, close + 1);
          this.pos = close + 1;
        } else if (ch === '\\' && this.pos + 1 < src.length) {
          // keep escapes for the regex; in the format only `\/` is special here
          cur += src[this.pos + 1] === '/' ? '/' : ch + src[this.pos + 1];
          this.pos += 2;
        } else if (ch === '/' && parts.length < 2) {
          parts.push(cur);
          cur = '';
          this.pos++;
        } else if (ch === '}' && parts.length === 2) {
          parts.push(cur);
          this.pos++;
        } else {
          cur += ch;
          this.pos++;
        }
      }
      if (parts.length !== 3) return undefined;
      let regex: RegExp;
      try {
        regex = new RegExp(parts[0], parts[2].replace(/[^gimsuy]/g, ''));
      } catch {
        return undefined;
      }
      return { ...base, transform: { regex, format: parts[1] } };
    }
    return undefined;
  }
}

function applyCase(value: string, how: string): string {
  switch (how) {
    case 'upcase':
      return value.toUpperCase();
    case 'downcase':
      return value.toLowerCase();
    case 'capitalize':
      return value.charAt(0).toUpperCase() + value.slice(1);
    case 'pascalcase':
    case 'camelcase': {
      const words = value.split(/[^A-Za-z0-9]+/).filter(Boolean);
      const joined = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()).join('');
      return how === 'camelcase' ? joined.charAt(0).toLowerCase() + joined.slice(1) : joined;
    }
    default:
      return value;
  }
}

/** Formats one regex match with a snippet transform format string. */
function formatMatch(format: string, groups: (string | undefined)[]): string {
  return format.replace(
    /\\([\\$/nt])|\$(\d+)|\$\{(\d+)(?::(?:\/(upcase|downcase|capitalize|camelcase|pascalcase)|\+([^}]*)|\?([^:}]*):([^}]*)|-?([^}]*)))?\}/g,
    (_all, esc: string | undefined, n1: string | undefined, n2: string | undefined, kase?: string, ifSet?: string, ifA?: string, elseA?: string, elseB?: string) => {
      if (esc !== undefined) return esc === 'n' ? '\n' : esc === 't' ? '\t' : esc;
      const g = groups[Number(n1 ?? n2)] ?? '';
      if (n1 !== undefined) return g;
      if (kase) return applyCase(g, kase);
      if (ifSet !== undefined) return g ? ifSet : '';
      if (ifA !== undefined) return g ? ifA : (elseA ?? '');
      if (elseB !== undefined) return g || elseB;
      return g;
    },
  );
}

function applyTransform(value: string, t: Transform): string {
  if (t.regex.global) return value.replace(t.regex, (...args) => formatMatch(t.format, args.slice(0, -2) as string[]));
  const m = t.regex.exec(value);
  if (!m) return value;
  return value.slice(0, m.index) + formatMatch(t.format, [...m]) + value.slice(m.index + m[0].length);
}

/** Expands a snippet body with every placeholder at its default. */
export function expandSnippet(body: string | string[], variables: Record<string, string> = {}): string {
  const src = Array.isArray(body) ? body.join('\n') : body;
  const nodes = new Parser(src).parse(false);

  // VS Code mirrors tab stops: every `$n` shows the value of the first `${n:…}` / `${n|…|}` that has one.
  const definitions = new Map<number, Node & { kind: 'tabstop' }>();
  const collect = (list: Node[]) => {
    for (const n of list) {
      if (n.kind === 'tabstop' && !definitions.has(n.index) && (n.children || n.choices)) definitions.set(n.index, n);
      if (n.kind !== 'text' && n.children) collect(n.children);
    }
  };
  collect(nodes);

  const render = (list: Node[], depth: number): string => {
    if (depth > 50) throw new Error('snippet placeholders nest too deeply (recursive mirror?)');
    let out = '';
    for (const n of list) {
      if (n.kind === 'text') {
        out += n.value;
        continue;
      }
      let value: string;
      if (n.kind === 'tabstop') {
        const def = n.children || n.choices ? n : definitions.get(n.index);
        value = !def ? '' : def.choices ? (def.choices[0] ?? '') : render(def.children ?? [], depth + 1);
      } else if (n.name in variables) {
        value = variables[n.name];
      } else if (n.name in KNOWN_VARIABLES) {
        const known = KNOWN_VARIABLES[n.name];
        value = EMPTY_BY_DEFAULT.has(n.name) && n.children ? render(n.children, depth + 1) : known;
      } else {
        // Unknown variable: VS Code inserts its default, or its name as a placeholder.
        value = n.children ? render(n.children, depth + 1) : n.name;
      }
      out += n.transform ? applyTransform(value, n.transform) : value;
    }
    return out;
  };
  return render(nodes, 0);
}

/** Strips `//` and `/* *\/` comments and trailing commas (snippet files are JSONC). */
function stripJsonc(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      const start = i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      out += text.slice(start, ++i);
    } else if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else {
      out += ch;
      i++;
    }
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

/** Reads a `.code-snippets` / snippets JSON file: one entry per snippet, in file order. */
export function loadSnippets(file: string): Snippet[] {
  const json = JSON.parse(stripJsonc(fs.readFileSync(file, 'utf8'))) as Record<string, unknown>;
  const result: Snippet[] = [];
  for (const [name, value] of Object.entries(json)) {
    if (!value || typeof value !== 'object') throw new Error(`${file}: "${name}" is not a snippet object`);
    const v = value as Record<string, unknown>;
    const { prefix, body } = v;
    const description = typeof v.description === 'string' ? v.description : '';
    const isStrings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');
    if (typeof body !== 'string' && !isStrings(body)) throw new Error(`${file}: "${name}" has no string or string[] body`);
    if (typeof prefix !== 'string' && !isStrings(prefix)) throw new Error(`${file}: "${name}" has no string or string[] prefix`);
    result.push({ name, prefix, description, body });
  }
  return result;
}
