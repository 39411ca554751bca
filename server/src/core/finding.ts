import type { Span } from './text';

/** How loudly a rule speaks. `off` silences it. */
export type Level = 'off' | 'hint' | 'info' | 'warning' | 'error';
export type ReportedLevel = Exclude<Level, 'off'>;
export const LEVELS: readonly Level[] = ['off', 'hint', 'info', 'warning', 'error'];

export function isLevel(value: unknown): value is Level {
  return typeof value === 'string' && (LEVELS as readonly string[]).includes(value);
}

/** A replacement of `span` (offsets into `file`'s current text) with `newText`. */
export interface TextEdit {
  file: string;
  span: Span;
  newText: string;
}

/** A file a fix creates. Never overwrites an existing file. */
export interface FileCreate {
  file: string;
  content: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  creates?: FileCreate[];
  /** The one obvious fix (shown first, applied by "auto fix"). */
  preferred?: boolean;
  /**
   * Safe to apply without review (`apim-mtls lint --fix`, the `source.fixAll.apim-mtls` action on save): it corrects
   * how something is written (a thumbprint's separators or case, PEM markers, a missing `loadTextContent`, `?.`), never
   * which clients are accepted or how the service behaves. Only fixes whose edits stay in the finding's file.
   */
  autofix?: boolean;
}

/** Does the fix stay in `file`: it edits that file (at least one edit), no other, and creates none? */
export function staysInFile(fix: Fix, file: string): boolean {
  return !fix.creates?.length && fix.edits.length > 0 && fix.edits.every((e) => e.file === file);
}

/** Another place that explains a finding (the Bicep line that sets the SKU, say). */
export interface RelatedInfo {
  file: string;
  span: Span;
  message: string;
}

export interface Finding {
  ruleId: string;
  level: ReportedLevel;
  message: string;
  /** Absolute path of the file the finding is reported in. */
  file: string;
  span: Span;
  fixes: Fix[];
  related: RelatedInfo[];
  /**
   * The suppression comment that works on this finding's line when it is not the file's own kind: `policy` for a
   * policy written in a Bicep `'''…'''` string (a `#disable-next-line` there would be part of the string).
   */
  suppressWith?: 'policy';
}
