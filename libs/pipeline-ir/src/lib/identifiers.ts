/**
 * The identifier rule of IR v1: lowercase ASCII, digits and underscores, at most 63 bytes (PostgreSQL's NAMEDATALEN
 * limit, so names are never silently truncated). It is the first wall against SQL injection; quoting is the second.
 */
export const IDENTIFIER_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

export const IDENTIFIER_RULE = `must be an identifier matching ${IDENTIFIER_PATTERN.source}`;

export function isIdentifier(value: unknown): value is string {
  return typeof value === 'string' && IDENTIFIER_PATTERN.test(value);
}

/**
 * Double-quotes one identifier, doubling embedded quotes. The result is always exactly one identifier: a dot inside
 * stays part of the name, so `pg_catalog.x` quoted is a table literally named "pg_catalog.x".
 */
export function quoteIdent(name: string): string {
  if (name.length === 0 || name.includes('\u0000')) {
    throw new Error(
      'an SQL identifier must be non-empty and free of NUL characters',
    );
  }
  return `"${name.replace(/"/g, '""')}"`;
}

/** `"schema"."table"`: each part quoted on its own. */
export function qualifiedName(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

const TRUSTED_QUALIFIED_NAME =
  /^([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_]*))?$/;

/**
 * Quotes a name supplied by trusted code (the dead-letter table, `public.dead_letters`); anything but `name` or
 * `schema.name` of plain ASCII words is a programming error.
 */
export function quoteTrustedQualifiedName(name: string): string {
  const match = TRUSTED_QUALIFIED_NAME.exec(name);
  if (!match) {
    throw new Error(
      `invalid trusted table name ${JSON.stringify(name)}: expected name or schema.name`,
    );
  }
  const [, first, second] = match;
  return second === undefined
    ? quoteIdent(first)
    : qualifiedName(first, second);
}
