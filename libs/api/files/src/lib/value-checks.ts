import type { CastType } from '@flow/contracts';

/** A value as a `COPY … (FORMAT text)` field, or why it cannot be one of the column's type. */
export type CopyValue = { ok: string } | { error: string };

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const BOOLEANS = new Map([
  ...['true', 't', 'yes', 'y', 'on', '1'].map((word) => [word, 't'] as const),
  ...['false', 'f', 'no', 'n', 'off', '0'].map((word) => [word, 'f'] as const),
]);
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const INT32 = [-(2n ** 31n), 2n ** 31n - 1n] as const;
const INT64 = [-(2n ** 63n), 2n ** 63n - 1n] as const;

/**
 * Checks one value against a declared column type the way PostgreSQL's input function would (for the types a file
 * column may have), and writes it as a COPY text field. Checking here, line by line, is what lets a bad line become
 * a dead letter instead of failing the whole `COPY`.
 */
export function copyValue(type: CastType, value: string): CopyValue {
  switch (type) {
    case 'text':
      return value.includes('\u0000')
        ? { error: 'contains a NUL character' }
        : { ok: escapeCopyText(value) };
    case 'integer':
      return integerIn(value, INT32, 'integer');
    case 'bigint':
      return integerIn(value, INT64, 'bigint');
    case 'numeric':
      return DECIMAL.test(value)
        ? { ok: value }
        : { error: `"${shown(value)}" is not a numeric` };
    case 'double': {
      if (/^[+-]?(infinity|inf)$/i.test(value) || /^nan$/i.test(value))
        return { ok: value };
      return DECIMAL.test(value) && Number.isFinite(Number(value))
        ? { ok: value }
        : { error: `"${shown(value)}" is not a double precision number` };
    }
    case 'boolean': {
      const parsed = BOOLEANS.get(value.trim().toLowerCase());
      return parsed
        ? { ok: parsed }
        : { error: `"${shown(value)}" is not a boolean` };
    }
    case 'date': {
      const match = DATE.exec(value);
      return match && validDate(match[1], match[2], match[3])
        ? { ok: value }
        : { error: `"${shown(value)}" is not a date (YYYY-MM-DD)` };
    }
    case 'timestamptz': {
      const match = TIMESTAMP.exec(value);
      if (
        !match ||
        !validDate(match[1], match[2], match[3]) ||
        Number(match[4] ?? 0) > 23 ||
        Number(match[5] ?? 0) > 59 ||
        Number(match[6] ?? 0) > 59
      )
        return {
          error: `"${shown(value)}" is not a timestamp (ISO 8601, e.g. 2026-12-01T06:00:00Z)`,
        };
      // Without an offset the instant is read as UTC, whatever the session's time zone.
      return { ok: match[8] ? value : `${value}Z` };
    }
  }
}

/** PostgreSQL's `\N`: the NULL of COPY's text format. */
export const COPY_NULL = '\\N';

function integerIn(
  value: string,
  [min, max]: readonly [bigint, bigint],
  name: string,
): CopyValue {
  if (!INTEGER.test(value))
    return { error: `"${shown(value)}" is not an ${name}` };
  const parsed = BigInt(value);
  return parsed < min || parsed > max
    ? { error: `${shown(value)} is out of range for type ${name}` }
    : { ok: value };
}

function validDate(year: string, month: string, day: string): boolean {
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return (
    date.getUTCFullYear() === Number(year) &&
    date.getUTCMonth() === Number(month) - 1 &&
    date.getUTCDate() === Number(day)
  );
}

/** COPY text format: backslash, tab, newline and carriage return are escaped. */
function escapeCopyText(value: string): string {
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/[\\\t\n\r]/g, (char) =>
        char === '\\'
          ? '\\\\'
          : char === '\t'
            ? '\\t'
            : char === '\n'
              ? '\\n'
              : '\\r',
      )
    : value;
}

/** A value in an error message: at most 60 characters. */
function shown(value: string): string {
  return value.length > 60 ? `${value.slice(0, 60)}…` : value;
}
