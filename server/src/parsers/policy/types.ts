import type { Span } from '../../core/text';

/** One C# token of a policy expression. `text` has XML entities decoded; `span` covers the original source. */
export interface CsToken {
  kind: 'identifier' | 'keyword' | 'number' | 'string' | 'char' | 'punct' | 'namedValue' | 'unterminated';
  text: string;
  /** Content of a string or char literal (escapes left as written, entities decoded). */
  value?: string;
  span: Span;
}

/** A `@(...)` (single) or `@{...}` (multi) policy expression in an attribute value or element text. */
export interface PolicyExpression {
  kind: 'single' | 'multi';
  /** From '@' to the closing bracket (or where an unterminated expression was cut off). */
  span: Span;
  /** Inside the brackets. */
  codeSpan: Span;
  terminated: boolean;
  /** Tokens of the code, comments skipped. */
  tokens: CsToken[];
  owner: { element: PolicyElement; attribute?: PolicyAttribute };
}

/** An attribute as written; `valueSpan` is inside the quotes. */
export interface PolicyAttribute {
  name: string;
  nameSpan: Span;
  valueSpan: Span;
  /** The value as written. */
  rawValue: string;
  /** The value with XML entities decoded. */
  value: string;
  /** The quote character, or '' when the value is missing or unquoted. */
  quote: '"' | "'" | '';
  expression?: PolicyExpression;
}

/** A run of non-blank character data (or a CDATA section) directly inside an element. */
export interface PolicyText {
  span: Span;
  raw: string;
  cdata: boolean;
  expression?: PolicyExpression;
}

/** An element of the tolerant tree. Unclosed elements end where their content ends. */
export interface PolicyElement {
  name: string;
  nameSpan: Span;
  /** From '<' to the end of the close tag (or of what exists, when unclosed). */
  span: Span;
  startTagSpan: Span;
  endTagSpan?: Span;
  selfClosing: boolean;
  /** False when the element has no end tag (and is not self-closing). */
  closed: boolean;
  attributes: PolicyAttribute[];
  children: PolicyElement[];
  parent?: PolicyElement;
  /**
   * The child of the root that holds the element (the element itself when it is one; undefined for a root), set by the
   * parser: an element's section, or its root, is then known without walking up a tree that may be thousands deep.
   */
  topLevel?: PolicyElement;
  texts: PolicyText[];
}

export interface PolicyComment {
  span: Span;
  /** The text between `<!--` and `-->`. */
  text: string;
}

/** A `{{name}}` reference (outside XML comments). */
export interface NamedValueRef {
  name: string;
  span: Span;
}

/** A well-formedness problem at its exact place. */
export interface PolicyProblem {
  span: Span;
  message: string;
}

/** The result of `parsePolicy`: always a document, whatever the input. */
export interface PolicyDocument {
  text: string;
  root?: PolicyElement;
  /** All elements in document order (including stray top-level ones after the root). */
  elements: PolicyElement[];
  /** All expressions in document order. */
  expressions: PolicyExpression[];
  comments: PolicyComment[];
  namedValues: NamedValueRef[];
  /** Sorted by start offset. */
  problems: PolicyProblem[];
  hasBom: boolean;
}

export type PolicySection = 'inbound' | 'backend' | 'outbound' | 'on-error';
