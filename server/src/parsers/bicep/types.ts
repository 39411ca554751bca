import type { Span } from '../../core/text';

// ---------------------------------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------------------------------

/** A literal piece or an interpolated `${…}` hole of a string. */
export type StringPart = { kind: 'text'; value: string; span: Span } | { kind: 'hole'; expr: Expr; span: Span };

/** `'…'` or `'''…'''`. `value` is set when the string has no interpolation; `parts` when it has. */
export interface StringExpr {
  kind: 'string';
  span: Span;
  value?: string;
  parts?: StringPart[];
  multiline: boolean;
}

export interface NumberExpr {
  kind: 'number';
  span: Span;
  value: number;
}

export interface BoolExpr {
  kind: 'bool';
  span: Span;
  value: boolean;
}

export interface NullExpr {
  kind: 'null';
  span: Span;
}

export interface IdentifierExpr {
  kind: 'identifier';
  span: Span;
  name: string;
}

/**
 * `key: value` inside an object. `key` is the identifier or the unquoted string value; for a key written with
 * interpolation (`'${gateway}.Protocols.Server.Http2': …`) it is the key as written between its quotes, which names no
 * known property, and `keyExpr` is the string, for the model to evaluate.
 */
export interface PropertyMember {
  kind: 'property';
  span: Span;
  key: string;
  keySpan: Span;
  keyExpr?: StringExpr;
  value: Expr;
}

/** `...expr` inside an object or array. */
export interface SpreadMember {
  kind: 'spread';
  span: Span;
  expr: Expr;
}

/** A child resource declared inside a resource body. */
export interface NestedResourceMember {
  kind: 'resource';
  span: Span;
  decl: ResourceDecl;
}

export type ObjectMember = PropertyMember | SpreadMember | NestedResourceMember;

export interface ObjectExpr {
  kind: 'object';
  span: Span;
  members: ObjectMember[];
}

export interface ArrayExpr {
  kind: 'array';
  span: Span;
  items: (Expr | SpreadMember)[];
}

/** `target.name` or, with `safe`, `target.?name`. */
export interface MemberExpr {
  kind: 'member';
  span: Span;
  target: Expr;
  name: string;
  nameSpan: Span;
  safe: boolean;
}

/** `target::name`: a resource nested in another, reached by its symbolic name (`apim::api::operation`). */
export interface NestedExpr {
  kind: 'nested';
  span: Span;
  target: Expr;
  name: string;
}

/** `target[index]` or `target[?index]`. */
export interface IndexExpr {
  kind: 'index';
  span: Span;
  target: Expr;
  index: Expr;
  safe: boolean;
}

/** `name(args)`, `sys.name(args)` (namespace `sys`) or `expr.name(args)` (target). */
export interface CallExpr {
  kind: 'call';
  span: Span;
  name: string;
  nameSpan: Span;
  /** The identifier before the dot (`sys`, `az`, a resource symbol), when there is one. */
  namespace?: string;
  /** The receiver when it is not a plain identifier (`a.b.list()`). */
  target?: Expr;
  args: Expr[];
}

/** `!x`, `-x`, or the postfix non-null assertion `x!` (operator `'!postfix'`). */
export interface UnaryExpr {
  kind: 'unary';
  span: Span;
  operator: '!' | '-' | '!postfix';
  operand: Expr;
}

export type BinaryOperator =
  | '??' | '||' | '&&' | '==' | '!=' | '=~' | '!~' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%';

export interface BinaryExpr {
  kind: 'binary';
  span: Span;
  operator: BinaryOperator;
  left: Expr;
  right: Expr;
}

export interface TernaryExpr {
  kind: 'ternary';
  span: Span;
  condition: Expr;
  whenTrue: Expr;
  whenFalse: Expr;
}

/** `[for item in iterable: body]` or `[for (item, index) in iterable: body]`. */
export interface ForExpr {
  kind: 'for';
  span: Span;
  itemName?: string;
  indexName?: string;
  iterable: Expr;
  body: Expr;
}

/** `if (condition) body` (resource, module and loop bodies). */
export interface IfExpr {
  kind: 'if';
  span: Span;
  condition: Expr;
  body: Expr;
}

/** `x => body`, `(x, y) => body`. */
export interface LambdaExpr {
  kind: 'lambda';
  span: Span;
  params: string[];
  body: Expr;
}

export interface ParenExpr {
  kind: 'paren';
  span: Span;
  expr: Expr;
}

/** Syntax the parser does not understand: a bracket-balanced span kept as is. */
export interface OpaqueExpr {
  kind: 'opaque';
  span: Span;
}

export type Expr =
  | StringExpr | NumberExpr | BoolExpr | NullExpr | IdentifierExpr | ObjectExpr | ArrayExpr | MemberExpr | NestedExpr | IndexExpr
  | CallExpr | UnaryExpr | BinaryExpr | TernaryExpr | ForExpr | IfExpr | LambdaExpr | ParenExpr | OpaqueExpr;

// ---------------------------------------------------------------------------------------------------------------
// Type expressions
// ---------------------------------------------------------------------------------------------------------------

/** A property of an object type, with its decorators (`@description`, …) and `?` when optional. */
export interface ObjectTypeProperty {
  span: Span;
  key: string;
  keySpan: Span;
  type: TypeExpr;
  optional: boolean;
  decorators: Decorator[];
}

/**
 * A type: a (possibly dotted) name like `string` or `settings.apimSkuType`, a literal (`'Premium'`, `30`, `true`),
 * a union, an object type (`{ a: string, *: int }`), an array (`string[]`), a nullable (`T?`), or opaque syntax
 * such as `resourceInput<'…'>.properties.x` and tuples.
 */
export type TypeExpr =
  | { kind: 'ref'; span: Span; name: string }
  | { kind: 'literal'; span: Span; value: Expr }
  | { kind: 'union'; span: Span; members: TypeExpr[] }
  | { kind: 'object'; span: Span; properties: ObjectTypeProperty[]; additional?: TypeExpr }
  | { kind: 'array'; span: Span; element: TypeExpr }
  | { kind: 'nullable'; span: Span; inner: TypeExpr }
  | { kind: 'opaque'; span: Span };

// ---------------------------------------------------------------------------------------------------------------
// Declarations
// ---------------------------------------------------------------------------------------------------------------

/** `@name(args)` or `@ns.name(args)`: `call` holds the name, namespace and arguments. */
export interface Decorator {
  span: Span;
  call: CallExpr;
}

interface DeclBase {
  span: Span;
  decorators: Decorator[];
}

interface NamedDeclBase extends DeclBase {
  name: string;
  nameSpan: Span;
}

export interface ParamDecl extends NamedDeclBase {
  kind: 'param';
  type?: TypeExpr;
  defaultValue?: Expr;
}

export interface VarDecl extends NamedDeclBase {
  kind: 'var';
  type?: TypeExpr;
  value?: Expr;
}

export interface TypeDecl extends NamedDeclBase {
  kind: 'type';
  type?: TypeExpr;
}

/** `resource name 'type@version' [existing] = value`; also a nested child resource. */
export interface ResourceDecl extends NamedDeclBase {
  kind: 'resource';
  /** The type string as written, e.g. `Microsoft.ApiManagement/service@2024-05-01` or `policies`. */
  resourceType: string;
  typeSpan: Span;
  existing: boolean;
  /** An object, `[for …]` or `if (…) {…}`. */
  value?: Expr;
}

export interface ModuleDecl extends NamedDeclBase {
  kind: 'module';
  path: string;
  pathSpan: Span;
  value?: Expr;
}

/** `using './main.bicep'` in a `.bicepparam` file (`using none` has no path). */
export interface UsingDecl {
  kind: 'using';
  span: Span;
  decorators: Decorator[];
  path?: string;
  pathSpan?: Span;
  /** JSON parameters files: other templates the file may be for, tried in order when `path` is not in the workspace. */
  fallbacks?: string[];
  /** JSON parameters files: the values can't be read (a syntax error), so each parameter may hold anything. */
  opaque?: boolean;
}

/** `extends './base.bicepparam'` in a `.bicepparam` file: the base file's parameter values apply unless set here. */
export interface ExtendsDecl {
  kind: 'extends';
  span: Span;
  decorators: Decorator[];
  path?: string;
  pathSpan?: Span;
}

export interface OutputDecl extends NamedDeclBase {
  kind: 'output';
  type?: TypeExpr;
  value?: Expr;
}

export interface MetadataDecl extends NamedDeclBase {
  kind: 'metadata';
  value?: Expr;
}

export interface FuncDecl extends NamedDeclBase {
  kind: 'func';
  params: string[];
  returnType?: TypeExpr;
  body?: Expr;
}

/** One imported symbol: `name` or `name as alias`. */
export interface ImportItem {
  span: Span;
  name: string;
  alias?: string;
}

/** `import {a, b as c} from 'path'` (items) or `import * as ns from 'path'` (wildcardAlias). */
export interface ImportDecl extends DeclBase {
  kind: 'import';
  items: ImportItem[];
  wildcardAlias?: string;
  from?: string;
  fromSpan?: Span;
}

export interface TargetScopeDecl extends DeclBase {
  kind: 'targetScope';
  value?: Expr;
}

/** A statement the parser could not read (or does not model, like `extension`): kept as a span. */
export interface OpaqueDecl extends DeclBase {
  kind: 'opaque';
}

export type Declaration =
  | ParamDecl | VarDecl | TypeDecl | ResourceDecl | ModuleDecl | OutputDecl | MetadataDecl | FuncDecl | ImportDecl
  | TargetScopeDecl | UsingDecl | ExtendsDecl | OpaqueDecl;

/** `#disable-next-line rule1 rule2`: `line` is the 0-based line of the directive itself. */
export interface Directive {
  span: Span;
  line: number;
  rules: string[];
}

export interface Comment {
  span: Span;
  block: boolean;
}

/** A syntax error: the parser recovered and went on. */
export interface Problem {
  span: Span;
  message: string;
}

/** The result of parsing one Bicep file. */
export interface BicepFile {
  text: string;
  declarations: Declaration[];
  directives: Directive[];
  comments: Comment[];
  problems: Problem[];
  /** A `bicepconfig.json`: its `moduleAliases.br` (alias → registry and module path), which resolve `br/alias:…` modules. */
  moduleAliases?: ReadonlyMap<string, ModuleAlias>;
}

/** A registry alias of `bicepconfig.json`: `br/alias:path:tag` is `br:registry/modulePath/path:tag`. */
export interface ModuleAlias {
  registry?: string;
  modulePath?: string;
}
