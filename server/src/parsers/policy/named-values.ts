const NAMED_VALUE = /\{\{([A-Za-z0-9._-]+)\}\}/y;

/** The `{{name}}` reference at `text[at]`: its name and source length, or undefined. */
export function namedValueAt(text: string, at: number): { name: string; length: number } | undefined {
  NAMED_VALUE.lastIndex = at;
  const m = NAMED_VALUE.exec(text);
  return m ? { name: m[1]!, length: m[0].length } : undefined;
}
