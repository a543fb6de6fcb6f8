import { quoteIdent } from './identifiers';

/** `"a", "b"`: each name quoted. */
export function identList(names: string[]): string {
  return names.map(quoteIdent).join(', ');
}

/**
 * Indents every line of generated SQL, but never inside a quoted identifier: a catalog column name may contain a
 * newline, and indenting it would rename the column.
 */
export function indent(text: string, prefix = '  '): string {
  let quoted = false;
  let result = prefix;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    result += char === '\n' && !quoted ? `\n${prefix}` : char;
  }
  return result;
}
