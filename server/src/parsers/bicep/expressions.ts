import { Cursor } from './cursor';
import { lex, type Token } from './lexer';
import type {
  ArrayExpr, BinaryOperator, CallExpr, Decorator, Expr, ForExpr, ObjectExpr, ObjectMember, PropertyMember, ResourceDecl, SpreadMember,
  StringExpr, StringPart,
} from './types';

/** Deeper nesting than this becomes an opaque span (guards the call stack). */
export const MAX_DEPTH = 120;

/** Binary operators by precedence level, lowest first. */
const LEVELS: readonly (readonly BinaryOperator[])[] = [
  ['??'], ['||'], ['&&'], ['==', '!=', '=~', '!~'], ['<', '<=', '>', '>='], ['+', '-'], ['*', '/', '%'],
];
/** Operators that may continue an expression on the next line. */
const LINE_CONTINUING: ReadonlySet<string> = new Set(['??', '||', '&&', '==', '!=', '=~', '!~']);

/** Newline-aware, error-tolerant expression parser. Declarations (and nested resources) come from the subclass. */
export abstract class ExpressionParser extends Cursor {
  protected depth = 0;

  /** Parses `resource name 'type' [existing] = value` with the cursor on `resource`. */
  protected abstract parseResource(start: number, decorators: Decorator[]): ResourceDecl;

  protected parseExpr(): Expr {
    if (this.depth >= MAX_DEPTH) return this.opaque('Expression nested too deeply.');
    this.depth++;
    try {
      return this.parseTernary();
    } finally {
      this.depth--;
    }
  }

  /** Records a problem and returns the bracket-balanced rest of the line as an opaque node. */
  protected opaque(message: string): Expr {
    const start = this.peek().start;
    this.problem(message);
    const before = this.pos;
    this.skipBalancedToLineEnd();
    return { kind: 'opaque', span: { start, end: this.pos === before ? start : this.lastEnd } };
  }

  private parseTernary(): Expr {
    const condition = this.parseBinary(0);
    const q = this.peekPastNewlines();
    if (!(q.token.kind === 'punct' && q.token.text === '?')) return condition;
    this.skipNewlines();
    this.next();
    this.skipNewlines();
    const whenTrue = this.parseExpr();
    this.skipNewlines();
    this.expect(':');
    this.skipNewlines();
    const whenFalse = this.parseExpr();
    return { kind: 'ternary', span: { start: condition.span.start, end: whenFalse.span.end }, condition, whenTrue, whenFalse };
  }

  private parseBinary(level: number): Expr {
    if (level >= LEVELS.length) return this.parseUnary();
    let left = this.parseBinary(level + 1);
    const ops = LEVELS[level]!;
    for (;;) {
      const q = this.peekPastNewlines();
      const op = ops.find((o) => q.token.kind === 'punct' && q.token.text === o);
      if (!op || (q.ahead > 0 && !LINE_CONTINUING.has(op))) return left;
      this.skipNewlines();
      this.next();
      this.skipNewlines();
      const right = this.parseBinary(level + 1);
      left = { kind: 'binary', span: { start: left.span.start, end: right.span.end }, operator: op, left, right };
    }
  }

  private parseUnary(): Expr {
    if (this.at('!') || this.at('-')) {
      const op = this.next();
      if (this.depth >= MAX_DEPTH) return this.opaque('Expression nested too deeply.');
      this.depth++;
      try {
        const operand = this.parseUnary();
        return { kind: 'unary', span: { start: op.start, end: operand.span.end }, operator: op.text === '!' ? '!' : '-', operand };
      } finally {
        this.depth--;
      }
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private parsePostfix(base: Expr): Expr {
    let expr = base;
    for (;;) {
      if (this.at('.') || this.at('.?')) {
        const safe = this.next().text === '.?';
        const name = this.peek();
        if (name.kind !== 'identifier') {
          this.problem('Expected a property name.');
          return expr;
        }
        this.next();
        if (this.at('(')) {
          expr = this.parseCall(expr.span.start, name, expr);
          continue;
        }
        expr = { kind: 'member', span: { start: expr.span.start, end: name.end }, target: expr, name: name.text, nameSpan: { start: name.start, end: name.end }, safe };
      } else if (this.at(':') && this.at(':', 1) && this.peek().end === this.peek(1).start && this.peek(2).kind === 'identifier') {
        // `apim::api`: two adjacent colons (a ternary's or an object's `:` stands alone).
        this.next();
        this.next();
        const name = this.next();
        expr = { kind: 'nested', span: { start: expr.span.start, end: name.end }, target: expr, name: name.text };
      } else if (this.at('[')) {
        this.next();
        const safe = this.at('?');
        if (safe) this.next();
        this.skipNewlines();
        const index = this.parseExpr();
        this.skipNewlines();
        this.expect(']');
        expr = { kind: 'index', span: { start: expr.span.start, end: this.lastEnd }, target: expr, index, safe };
      } else if (this.at('!') && !this.at('=', 1)) {
        this.next();
        expr = { kind: 'unary', span: { start: expr.span.start, end: this.lastEnd }, operator: '!postfix', operand: expr };
      } else return expr;
    }
  }

  /** With the cursor on `(`: the call `name(args)` on an optional receiver. */
  private parseCall(start: number, name: Token, receiver?: Expr): CallExpr {
    this.next();
    const args: Expr[] = [];
    for (;;) {
      this.skipNewlines();
      if (this.at(')') || this.atEnd()) break;
      args.push(this.parseExpr());
      this.skipNewlines();
      if (this.at(',')) this.next();
      else if (!this.at(')')) {
        this.problem("Expected ',' or ')'.");
        this.skipBalancedToLineEnd();
        if (!this.at(',') && !this.at(')')) break;
      }
    }
    this.expect(')');
    const call: CallExpr = { kind: 'call', span: { start, end: this.lastEnd }, name: name.text, nameSpan: { start: name.start, end: name.end }, args };
    if (receiver?.kind === 'identifier') call.namespace = receiver.name;
    else if (receiver) call.target = receiver;
    return call;
  }

  /**
   * A literal as a type is written (`'2.0'`, `-1`, `true`, `!true`): its string, number or keyword, with no operator or postfix
   * after it, so that `param v '2.0'?` is a nullable type and `type t = 'a'[]` an array, not a conditional or an index.
   */
  protected parseLiteral(): Expr {
    if ((this.at('-') && this.peek(1).kind === 'number') || this.at('!')) {
      const op = this.next();
      const operand = this.parsePrimary();
      return { kind: 'unary', span: { start: op.start, end: operand.span.end }, operator: op.text === '!' ? '!' : '-', operand };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Expr {
    const t = this.peek();
    const span = { start: t.start, end: t.end };
    // A declaration keyword at column 0 ends a half-typed expression: leave it to the declaration parser.
    if (this.atLineStartKeyword()) {
      this.problem('Expected an expression.');
      return { kind: 'opaque', span: { start: t.start, end: t.start } };
    }
    switch (t.kind) {
      case 'string':
        this.next();
        return this.stringExpr(t);
      case 'number':
        this.next();
        return { kind: 'number', span, value: Number(t.text) };
      case 'identifier':
        return this.parseIdentifierPrimary(t);
      case 'punct':
        if (t.text === '{') return this.parseObject();
        if (t.text === '[') return this.parseArray();
        if (t.text === '(') return this.parseParen();
        break;
      default:
        break;
    }
    return this.opaque(t.kind === 'eof' || t.kind === 'newline' ? 'Expected an expression.' : `Unexpected '${t.text}'.`);
  }

  private parseIdentifierPrimary(t: Token): Expr {
    const span = { start: t.start, end: t.end };
    if (t.text === 'true' || t.text === 'false') {
      this.next();
      return { kind: 'bool', span, value: t.text === 'true' };
    }
    if (t.text === 'null') {
      this.next();
      return { kind: 'null', span };
    }
    if (t.text === 'if' && this.at('(', 1)) return this.parseIf();
    if (this.at('=>', 1)) {
      this.next();
      this.next();
      // The body may start on the next line (`x =>` then the body), as after `(a, b) =>`.
      this.skipNewlines();
      const body = this.parseExpr();
      return { kind: 'lambda', span: { start: t.start, end: body.span.end }, params: [t.text], body };
    }
    this.next();
    if (this.at('(')) return this.parseCall(t.start, t);
    return { kind: 'identifier', span, name: t.text };
  }

  private parseIf(): Expr {
    const start = this.next().start;
    this.expect('(');
    this.skipNewlines();
    const condition = this.parseExpr();
    this.skipNewlines();
    this.expect(')');
    this.skipNewlines();
    const body = this.parseExpr();
    return { kind: 'if', span: { start, end: body.span.end }, condition, body };
  }

  private parseParen(): Expr {
    const close = this.closingIndex();
    const start = this.peek().start;
    if (close > 0 && this.tokenAt(close + 1).text === '=>' && this.tokenAt(close + 1).kind === 'punct') {
      const params: string[] = [];
      this.next();
      while (this.pos < close) {
        const p = this.next();
        if (p.kind === 'identifier') params.push(p.text);
      }
      this.next();
      this.next();
      this.skipNewlines();
      const body = this.parseExpr();
      return { kind: 'lambda', span: { start, end: body.span.end }, params, body };
    }
    this.next();
    this.skipNewlines();
    const expr = this.parseExpr();
    this.skipNewlines();
    this.expect(')');
    return { kind: 'paren', span: { start, end: this.lastEnd }, expr };
  }

  private stringExpr(t: Token): StringExpr {
    const span = { start: t.start, end: t.end };
    const segments = t.segments ?? [];
    const multiline = t.multiline === true;
    if (segments.every((s) => s.kind === 'text')) {
      return { kind: 'string', span, value: segments.map((s) => (s.kind === 'text' ? s.value : '')).join(''), multiline };
    }
    const parts: StringPart[] = segments.map((s) =>
      s.kind === 'text' ? { kind: 'text', value: s.value, span: { start: s.start, end: s.end } } : { kind: 'hole', expr: this.parseHole(s.start, s.end), span: { start: s.start, end: s.end } },
    );
    return { kind: 'string', span, parts, multiline };
  }

  /** Parses the expression inside `${…}` with a parser over just that range. */
  private parseHole(start: number, end: number): Expr {
    const result = lex(this.text, start, end);
    const sub = this.subParser(result.tokens);
    return sub.parseHoleExpr();
  }

  /** A parser of the same kind over other tokens (for interpolation holes), sharing the problem list. */
  protected abstract subParser(tokens: Token[]): ExpressionParser;

  protected parseHoleExpr(): Expr {
    this.skipNewlines();
    return this.parseExpr();
  }

  /** Between the members of `{ … }` (object or object type): skips new lines and commas; true at the closing `}` (consumed) or where it is missing (reported). */
  protected closeObject(): boolean {
    while (this.peek().kind === 'newline' || this.at(',')) this.next();
    if (this.at('}')) {
      this.next();
      return true;
    }
    if (this.atEnd() || this.atLineStartKeyword()) {
      this.problem("Expected '}'.");
      return true;
    }
    return false;
  }

  protected parseObject(): ObjectExpr {
    const start = this.next().start;
    const members: ObjectMember[] = [];
    for (;;) {
      if (this.closeObject()) break;
      const member = this.parseMember();
      if (member) members.push(member);
      if (!(this.peek().kind === 'newline' || this.at(',') || this.at('}') || this.atEnd() || this.atLineStartKeyword())) {
        this.problem('Expected a new line or a comma after the property.');
        this.skipBalancedToLineEnd();
        if (this.at(']') || this.at(')')) this.next();
      }
    }
    return { kind: 'object', span: { start, end: this.lastEnd }, members };
  }

  private parseMember(): ObjectMember | undefined {
    const t = this.peek();
    if (this.at('...')) return this.parseSpread();
    if (this.at('@') || (this.at('resource') && this.peek(1).kind === 'identifier' && this.peek(2).kind === 'string')) {
      const decorators = this.parseDecorators();
      if (this.at('resource')) {
        const decl = this.parseResource(decorators[0]?.span.start ?? this.peek().start, decorators);
        return { kind: 'resource', span: decl.span, decl };
      }
    }
    const key = this.peek();
    const segments = key.kind === 'string' ? (key.segments ?? []) : [];
    const interpolated = segments.some((s) => s.kind !== 'text');
    const keyValue =
      key.kind === 'identifier'
        ? key.text
        : key.kind !== 'string'
          ? undefined
          : interpolated
            ? this.text.slice(key.start + 1, key.end - 1)
            : segments.map((s) => (s.kind === 'text' ? s.value : '')).join('');
    if (keyValue === undefined || !this.at(':', 1)) {
      this.problem('Expected a property (name: value).', t.start);
      const before = this.pos;
      this.skipBalancedToLineEnd();
      if (this.pos === before) this.next();
      return undefined;
    }
    this.next();
    this.next();
    this.skipNewlines();
    const value = this.parseExpr();
    const member: PropertyMember = { kind: 'property', span: { start: key.start, end: value.span.end }, key: keyValue, keySpan: { start: key.start, end: key.end }, value };
    if (interpolated) member.keyExpr = this.stringExpr(key);
    return member;
  }

  private parseSpread(): SpreadMember {
    const start = this.next().start;
    const expr = this.parseExpr();
    return { kind: 'spread', span: { start, end: expr.span.end }, expr };
  }

  /** Zero or more `@name(…)` decorators, each followed by newlines. */
  protected parseDecorators(): Decorator[] {
    const decorators: Decorator[] = [];
    while (this.at('@')) {
      const start = this.next().start;
      const expr = this.parsePostfix(this.parsePrimary());
      if (expr.kind === 'call') decorators.push({ span: { start, end: expr.span.end }, call: expr });
      else this.problem('Expected a decorator call.', start, expr.span.end);
      this.skipNewlines();
    }
    return decorators;
  }

  protected parseArray(): ArrayExpr | ForExpr {
    const start = this.next().start;
    this.skipNewlines();
    if (this.at('for')) return this.parseFor(start);
    const items: (Expr | SpreadMember)[] = [];
    for (;;) {
      while (this.peek().kind === 'newline' || this.at(',')) this.next();
      if (this.at(']')) {
        this.next();
        break;
      }
      if (this.atEnd() || this.atLineStartKeyword() || this.at('}') || this.at(')')) {
        this.problem("Expected ']'.");
        break;
      }
      items.push(this.at('...') ? this.parseSpread() : this.parseExpr());
    }
    return { kind: 'array', span: { start, end: this.lastEnd }, items };
  }

  private parseFor(start: number): ForExpr {
    this.next();
    const names: string[] = [];
    if (this.at('(')) {
      this.next();
      while (!this.at(')') && !this.at('in') && !this.atEnd() && this.peek().kind !== 'newline') {
        const p = this.next();
        if (p.kind === 'identifier') names.push(p.text);
      }
      this.expect(')');
    } else if (this.peek().kind === 'identifier') names.push(this.next().text);
    this.expect('in');
    const iterable = this.parseExpr();
    this.expect(':');
    this.skipNewlines();
    const body = this.parseExpr();
    this.skipNewlines();
    this.expect(']');
    const node: ForExpr = { kind: 'for', span: { start, end: this.lastEnd }, iterable, body };
    if (names[0] !== undefined) node.itemName = names[0];
    if (names[1] !== undefined) node.indexName = names[1];
    return node;
  }
}
