import { lex, type Token } from './lexer';
import { TypeSyntaxParser } from './type-syntax';
import type { BicepFile, Declaration, Decorator, Expr, ImportItem, Problem, ResourceDecl, TypeExpr } from './types';

/** Parses a Bicep file. Never throws: unknown syntax becomes opaque spans and `problems`. Linear in the text's length. */
export function parseBicep(text: string): BicepFile {
  const lexed = lex(text);
  const problems: Problem[] = [...lexed.problems];
  const declarations = new DeclarationParser(text, lexed.tokens, problems).parseFile();
  problems.sort((a, b) => a.span.start - b.span.start);
  return { text, declarations, directives: lexed.directives, comments: lexed.comments, problems };
}

class DeclarationParser extends TypeSyntaxParser {
  protected subParser(tokens: Token[]): DeclarationParser {
    const sub = new DeclarationParser(this.text, tokens, this.problems);
    sub.depth = this.depth;
    return sub;
  }

  parseFile(): Declaration[] {
    const declarations: Declaration[] = [];
    for (;;) {
      this.skipNewlines();
      if (this.atEnd()) return declarations;
      const start = this.peek().start;
      const decorators = this.parseDecorators();
      const problemsBefore = this.problems.length;
      const decl = this.parseDeclaration(start, decorators);
      if (this.peek().kind !== 'newline' && !this.atEnd() && !this.atLineStartKeyword()) {
        if (this.problems.length === problemsBefore) this.problem('Expected a new line after the declaration.');
        this.recover();
        if (decl.kind === 'opaque') decl.span.end = this.lastEnd;
      }
      declarations.push(decl);
    }
  }

  private parseDeclaration(start: number, decorators: Decorator[]): Declaration {
    const t = this.peek();
    const keyword = t.kind === 'identifier' ? t.text : '';
    switch (keyword) {
      case 'param': {
        const name = this.name();
        const decl: Declaration = { kind: 'param', span: { start, end: 0 }, decorators, ...name };
        if (!this.at('=') && !this.atLineEnd()) decl.type = this.parseType();
        if (this.at('=')) {
          this.next();
          decl.defaultValue = this.parseValue();
        }
        decl.span.end = this.lastEnd;
        return decl;
      }
      case 'var': {
        const name = this.name();
        const decl: Declaration = { kind: 'var', span: { start, end: 0 }, decorators, ...name };
        if (!this.at('=') && !this.atLineEnd()) decl.type = this.parseType();
        if (this.expect('=')) decl.value = this.parseValue();
        decl.span.end = this.lastEnd;
        return decl;
      }
      case 'type': {
        const name = this.name();
        const decl: Declaration = { kind: 'type', span: { start, end: 0 }, decorators, ...name };
        if (this.expect('=')) decl.type = this.parseType();
        decl.span.end = this.lastEnd;
        return decl;
      }
      case 'output': {
        const name = this.name();
        const decl: Declaration = { kind: 'output', span: { start, end: 0 }, decorators, ...name };
        if (!this.at('=') && !this.atLineEnd()) decl.type = this.parseType();
        if (this.expect('=')) decl.value = this.parseValue();
        decl.span.end = this.lastEnd;
        return decl;
      }
      case 'metadata': {
        const name = this.name();
        const decl: Declaration = { kind: 'metadata', span: { start, end: 0 }, decorators, ...name };
        if (this.expect('=')) decl.value = this.parseValue();
        decl.span.end = this.lastEnd;
        return decl;
      }
      case 'targetScope': {
        this.next();
        const decl: Declaration = { kind: 'targetScope', span: { start, end: 0 }, decorators };
        if (this.expect('=')) decl.value = this.parseValue();
        decl.span.end = this.lastEnd;
        return decl;
      }
      case 'resource':
        return this.parseResource(start, decorators);
      case 'module': {
        const name = this.name();
        const path = this.peek();
        if (path.kind !== 'string') return this.opaqueDecl(start, decorators, 'Expected the module path.');
        this.next();
        const decl: Declaration = { kind: 'module', span: { start, end: 0 }, decorators, ...name, path: stringValue(path), pathSpan: { start: path.start, end: path.end } };
        if (this.expect('=')) decl.value = this.parseValue();
        decl.span.end = this.lastEnd;
        return decl;
      }
      case 'import':
        return this.parseImport(start, decorators);
      case 'func':
        return this.parseFunc(start, decorators);
      // `.bicepparam`: `using './main.bicep'` (or `using none`), `extends './base.bicepparam'` (its values, unless set here).
      case 'using':
      case 'extends': {
        const kind = t.text === 'using' ? 'using' : 'extends';
        this.next();
        const target = this.peek();
        if (target.kind !== 'string') {
          this.skipBalancedToLineEnd();
          return { kind, span: { start, end: this.lastEnd }, decorators };
        }
        this.next();
        this.skipBalancedToLineEnd();
        return { kind, span: { start, end: this.lastEnd }, decorators, path: stringValue(target), pathSpan: { start: target.start, end: target.end } };
      }
      // `test name 'main.bicep' = { params: … }` (the `bicep test` framework) evaluates a template but deploys nothing,
      // so the model has no use for it: kept opaque, one declaration each.
      case 'extension':
      case 'provider':
      case 'assert':
      case 'test':
        this.next();
        this.skipBalancedToLineEnd();
        return { kind: 'opaque', span: { start, end: this.lastEnd }, decorators };
      default:
        return this.opaqueDecl(start, decorators, t.kind === 'eof' ? 'Expected a declaration after the decorators.' : `Unexpected '${t.text}': expected a declaration.`);
    }
  }

  private opaqueDecl(start: number, decorators: Decorator[], message: string): Declaration {
    this.problem(message);
    this.recover();
    return { kind: 'opaque', span: { start, end: this.lastEnd }, decorators };
  }

  private atLineEnd(): boolean {
    return this.peek().kind === 'newline' || this.atEnd();
  }

  /** Consumes the keyword and the declared name. */
  private name(): { name: string; nameSpan: { start: number; end: number } } {
    this.next();
    const n = this.peek();
    if (n.kind !== 'identifier') {
      this.problem('Expected a name.');
      return { name: '', nameSpan: { start: n.start, end: n.start } };
    }
    this.next();
    return { name: n.text, nameSpan: { start: n.start, end: n.end } };
  }

  /** The value after `=`: on the same line, or (tolerated) on the next unless that starts a declaration. */
  private parseValue(): Expr {
    if (this.peek().kind === 'newline') {
      const q = this.peekPastNewlines();
      if (q.token.kind !== 'eof' && !this.isLineStartKeyword(q.ahead)) this.skipNewlines();
    }
    return this.parseExpr();
  }

  protected parseResource(start: number, decorators: Decorator[]): ResourceDecl {
    const name = this.name();
    const type = this.peek();
    const decl: ResourceDecl = { kind: 'resource', span: { start, end: 0 }, decorators, ...name, resourceType: '', typeSpan: { start: type.start, end: type.start }, existing: false };
    if (type.kind === 'string') {
      this.next();
      decl.resourceType = stringValue(type);
      decl.typeSpan = { start: type.start, end: type.end };
    } else this.problem('Expected the resource type string.');
    if (this.at('existing')) {
      this.next();
      decl.existing = true;
    }
    if (this.expect('=')) decl.value = this.parseValue();
    decl.span.end = this.lastEnd;
    return decl;
  }

  private parseImport(start: number, decorators: Decorator[]): Declaration {
    this.next();
    const items: ImportItem[] = [];
    let wildcardAlias: string | undefined;
    if (this.at('{')) {
      this.next();
      for (;;) {
        while (this.peek().kind === 'newline' || this.at(',')) this.next();
        if (this.at('}')) {
          this.next();
          break;
        }
        const n = this.peek();
        // A name that is no Bicep identifier is written quoted, and takes an alias: `'not-an-identifier' as name`.
        const quoted = n.kind === 'string' && n.segments?.length === 1 && n.segments[0]!.kind === 'text' ? n.segments[0].value : undefined;
        if (n.kind !== 'identifier' && quoted === undefined) {
          this.problem("Expected an imported name or '}'.");
          break;
        }
        this.next();
        const item: ImportItem = { span: { start: n.start, end: n.end }, name: quoted ?? n.text };
        if (this.at('as') && this.peek(1).kind === 'identifier') {
          this.next();
          item.alias = this.next().text;
          item.span.end = this.lastEnd;
        }
        items.push(item);
      }
    } else if (this.at('*')) {
      this.next();
      this.expect('as');
      if (this.peek().kind === 'identifier') wildcardAlias = this.next().text;
    } else {
      // `import 'az@1.0.0'` (old extensibility syntax) and other forms: kept opaque.
      this.skipBalancedToLineEnd();
      return { kind: 'opaque', span: { start, end: this.lastEnd }, decorators };
    }
    const decl: Declaration = { kind: 'import', span: { start, end: 0 }, decorators, items };
    if (wildcardAlias !== undefined) decl.wildcardAlias = wildcardAlias;
    if (this.expect('from')) {
      const from = this.peek();
      if (from.kind === 'string') {
        this.next();
        decl.from = stringValue(from);
        decl.fromSpan = { start: from.start, end: from.end };
      } else this.problem('Expected the path to import from.');
    }
    decl.span.end = this.lastEnd;
    return decl;
  }

  private parseFunc(start: number, decorators: Decorator[]): Declaration {
    const name = this.name();
    const params: string[] = [];
    const close = this.at('(') ? this.closingIndex() : -1;
    if (close < 0) return this.opaqueDecl(start, decorators, "Expected '(' and the function's parameters.");
    let expectName = true;
    this.next();
    while (this.pos < close) {
      const p = this.peek();
      if (expectName && p.kind === 'identifier') params.push(p.text);
      expectName = p.kind === 'punct' && p.text === ',';
      this.skipOne();
    }
    this.next();
    let returnType: TypeExpr | undefined;
    if (!this.at('=>')) returnType = this.parseType();
    const decl: Declaration = { kind: 'func', span: { start, end: 0 }, decorators, ...name, params };
    if (returnType) decl.returnType = returnType;
    if (this.expect('=>')) decl.body = this.parseValue();
    decl.span.end = this.lastEnd;
    return decl;
  }
}

/** The text of a string token without interpolation (holes become empty). */
function stringValue(t: Token): string {
  return (t.segments ?? []).map((s) => (s.kind === 'text' ? s.value : '')).join('');
}
