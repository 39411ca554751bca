import { ExpressionParser, MAX_DEPTH } from './expressions';
import type { ObjectTypeProperty, TypeExpr } from './types';

/** Parses Bicep type expressions (after `param x`, `var x`, `type x =`, `output x`, in object types). */
export abstract class TypeSyntaxParser extends ExpressionParser {
  /** A type, possibly a union whose `|` members may stand on their own lines (`type t =\n  | 'a'\n  | 'b'`). */
  protected parseType(): TypeExpr {
    if (this.depth >= MAX_DEPTH) return this.opaqueType('Type nested too deeply.');
    this.depth++;
    try {
      const start = this.peekPastNewlines();
      if (start.token.kind === 'punct' && start.token.text === '|') {
        this.skipNewlines();
        this.next();
        this.skipNewlines();
      }
      const members = [this.parsePostfixType()];
      for (;;) {
        const q = this.peekPastNewlines();
        if (!(q.token.kind === 'punct' && q.token.text === '|')) break;
        this.skipNewlines();
        this.next();
        this.skipNewlines();
        members.push(this.parsePostfixType());
      }
      if (members.length === 1) return members[0]!;
      return { kind: 'union', span: { start: members[0]!.span.start, end: members[members.length - 1]!.span.end }, members };
    } finally {
      this.depth--;
    }
  }

  private opaqueType(message: string): TypeExpr {
    const e = this.opaque(message);
    return { kind: 'opaque', span: e.span };
  }

  private parsePostfixType(): TypeExpr {
    let type = this.parsePrimaryType();
    for (;;) {
      if (this.at('[') && this.at(']', 1)) {
        this.next();
        this.next();
        type = { kind: 'array', span: { start: type.span.start, end: this.lastEnd }, element: type };
      } else if (this.at('?')) {
        this.next();
        type = { kind: 'nullable', span: { start: type.span.start, end: this.lastEnd }, inner: type };
      } else if (this.at('[') && (this.at('*', 1) || this.peek(1).kind === 'number') && this.at(']', 2)) {
        // A type taken from another: `items[*]` (the element type of an array type), `pair[1]` (a tuple's item).
        this.next();
        this.next();
        this.next();
        type = { kind: 'opaque', span: { start: type.span.start, end: this.lastEnd } };
      } else if (this.at('.') && (this.at('*', 1) || this.peek(1).kind === 'identifier')) {
        // `settings.*` (the type of a dictionary's values), `(…).property`.
        this.next();
        this.next();
        type = { kind: 'opaque', span: { start: type.span.start, end: this.lastEnd } };
      } else if (this.at('!')) {
        // `maybe!`: the type without null.
        this.next();
        type = { kind: 'opaque', span: { start: type.span.start, end: this.lastEnd } };
      } else return type;
    }
  }

  private parsePrimaryType(): TypeExpr {
    const t = this.peek();
    const bool = (x: { kind: string; text: string }): boolean => x.kind === 'identifier' && (x.text === 'true' || x.text === 'false');
    if (t.kind === 'string' || t.kind === 'number' || bool(t) || (this.at('-') && this.peek(1).kind === 'number') || (this.at('!') && bool(this.peek(1)))) {
      const value = this.parseLiteral();
      return { kind: 'literal', span: value.span, value };
    }
    if (t.kind === 'identifier') return this.parseNamedType();
    if (this.at('{')) return this.parseObjectType();
    if (this.at('(')) {
      this.next();
      this.skipNewlines();
      const inner = this.parseType();
      this.skipNewlines();
      this.expect(')');
      return inner;
    }
    if (this.at('[')) {
      // Tuples: kept opaque.
      this.skipOne();
      return { kind: 'opaque', span: { start: t.start, end: this.lastEnd } };
    }
    return this.opaqueType('Expected a type.');
  }

  /** `string`, `settings.apimSkuType`, or opaque forms like `resourceInput<'…'>.properties.x` and `resource 'x@v'`. */
  private parseNamedType(): TypeExpr {
    const first = this.next();
    let name = first.text;
    if (name === 'resource' && this.peek().kind === 'string') {
      this.next();
      return { kind: 'opaque', span: { start: first.start, end: this.lastEnd } };
    }
    while (this.at('.') && this.peek(1).kind === 'identifier') {
      this.next();
      name += '.' + this.next().text;
    }
    if (!this.at('<')) return { kind: 'ref', span: { start: first.start, end: this.lastEnd }, name };
    let depth = 0;
    do {
      if (this.at('<')) depth++;
      else if (this.at('>')) depth--;
      this.next();
    } while (depth > 0 && !this.atEnd() && this.peek().kind !== 'newline');
    while ((this.at('.') || this.at('[')) && !this.at(']', 1)) {
      if (this.at('[')) this.skipOne();
      else {
        this.next();
        if (this.peek().kind === 'identifier') this.next();
      }
    }
    return { kind: 'opaque', span: { start: first.start, end: this.lastEnd } };
  }

  private parseObjectType(): TypeExpr {
    const start = this.next().start;
    const properties: ObjectTypeProperty[] = [];
    let additional: TypeExpr | undefined;
    for (;;) {
      if (this.closeObject()) break;
      const decorators = this.parseDecorators();
      const key = this.peek();
      const keyText = key.kind === 'identifier' || (key.kind === 'punct' && key.text === '*') ? key.text : key.kind === 'string' && key.segments?.[0]?.kind === 'text' ? key.segments[0].value : undefined;
      if (keyText === undefined) {
        this.problem('Expected a property name.');
        const before = this.pos;
        this.skipBalancedToLineEnd();
        if (this.pos === before) this.next();
        continue;
      }
      this.next();
      const optional = this.at('?');
      if (optional) this.next();
      this.expect(':');
      const type = this.parseType();
      if (keyText === '*' && key.kind === 'punct') additional = type;
      else properties.push({ span: { start: key.start, end: type.span.end }, key: keyText, keySpan: { start: key.start, end: key.end }, type, optional, decorators });
    }
    const node: TypeExpr = { kind: 'object', span: { start, end: this.lastEnd }, properties };
    if (additional) node.additional = additional;
    return node;
  }
}
