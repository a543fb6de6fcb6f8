import {
  IDENTIFIER_PATTERN,
  isIdentifier,
  quoteIdent,
  quoteTrustedQualifiedName,
} from './identifiers';

describe('quoteIdent', () => {
  it.each([
    ['orders', '"orders"'],
    ['we"ird', '"we""ird"'],
    ['pg_catalog.pg_authid', '"pg_catalog.pg_authid"'],
    ['a"; DROP TABLE x; --', '"a""; DROP TABLE x; --"'],
    ['"', '""""'],
  ])('quotes %j as the single identifier %s', (name, quoted) => {
    expect(quoteIdent(name)).toBe(quoted);
  });

  it('refuses empty names and NUL characters', () => {
    expect(() => quoteIdent('')).toThrow('non-empty');
    expect(() => quoteIdent('a\u0000b')).toThrow('NUL');
  });
});

describe('isIdentifier', () => {
  it.each(['a', '_', 'order_lines_2', 'a'.repeat(63)])('accepts %j', (name) => {
    expect(isIdentifier(name)).toBe(true);
  });

  it.each(['', 'A', '1a', 'a-b', 'a.b', 'a b', 'é', 'a'.repeat(64), 'a"'])(
    'rejects %j',
    (name) => {
      expect(isIdentifier(name)).toBe(false);
    },
  );

  it('exposes the pattern the messages quote', () => {
    expect(IDENTIFIER_PATTERN.source).toBe('^[a-z_][a-z0-9_]{0,62}$');
  });
});

describe('quoteTrustedQualifiedName', () => {
  it('quotes each part of schema.name', () => {
    expect(quoteTrustedQualifiedName('public.dead_letters')).toBe(
      '"public"."dead_letters"',
    );
    expect(quoteTrustedQualifiedName('dead_letters')).toBe('"dead_letters"');
  });

  it('throws on anything else', () => {
    expect(() => quoteTrustedQualifiedName('a.b.c')).toThrow(
      'invalid trusted table name',
    );
    expect(() => quoteTrustedQualifiedName('x"; --')).toThrow(
      'invalid trusted table name',
    );
  });
});
