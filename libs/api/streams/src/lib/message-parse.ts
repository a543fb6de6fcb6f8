import type { CastType, StreamColumn } from '@flow/contracts';

/** A message's payload is kept in its dead letter up to this many characters. */
export const MAX_LETTER_PAYLOAD = 4_000;

const INTEGER = /^-?\d{1,18}$/;
const NUMERIC = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP =
  /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;
const INT32 = 2 ** 31;

/** Why a field's JSON value cannot be read as the column's type (undefined when it can). */
function typeProblem(type: CastType, value: unknown): string | undefined {
  if (value === null) return undefined;
  switch (type) {
    case 'text':
      return typeof value === 'string' ||
        typeof value === 'number' ||
        typeof value === 'boolean'
        ? undefined
        : 'expected a string';
    case 'integer':
    case 'bigint': {
      const ok =
        (typeof value === 'number' && Number.isSafeInteger(value)) ||
        (typeof value === 'string' && INTEGER.test(value));
      if (!ok) return `expected an integer`;
      if (type === 'integer' && Math.abs(Number(value)) >= INT32)
        return 'out of range for integer';
      return undefined;
    }
    case 'numeric':
    case 'double':
      return (typeof value === 'number' && Number.isFinite(value)) ||
        (typeof value === 'string' && NUMERIC.test(value))
        ? undefined
        : 'expected a number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'expected true or false';
    case 'date':
      return typeof value === 'string' &&
        DATE.test(value) &&
        !Number.isNaN(Date.parse(value))
        ? undefined
        : 'expected a date (YYYY-MM-DD)';
    case 'timestamptz':
      return typeof value === 'string' &&
        TIMESTAMP.test(value) &&
        !Number.isNaN(Date.parse(value.replace(' ', 'T')))
        ? undefined
        : 'expected an ISO 8601 timestamp';
  }
}

export type ParsedMessage =
  | { ok: true; row: Record<string, unknown> }
  | { ok: false; reason: string; payload: string };

/**
 * Reads one message as a JSON object whose declared fields have values of the declared types (a missing field is
 * NULL). Anything else — invalid JSON, not an object, a value of another type — is a `parse` dead letter: one bad
 * message never fails the batch. Only the declared fields are kept.
 */
export function parseMessage(
  data: Uint8Array,
  columns: readonly StreamColumn[],
): ParsedMessage {
  const text = Buffer.from(
    data.buffer,
    data.byteOffset,
    data.byteLength,
  ).toString('utf8');
  const fail = (reason: string): ParsedMessage => ({
    ok: false,
    reason,
    // jsonb cannot hold U+0000: the letter shows it as U+FFFD.
    payload: (text.length > MAX_LETTER_PAYLOAD
      ? `${text.slice(0, MAX_LETTER_PAYLOAD)}…`
      : text
    ).replaceAll('\u0000', '\ufffd'),
  });
  if (text.includes('\u0000') || text.includes('\\u0000'))
    return fail('contains a NUL character (PostgreSQL cannot store it)');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail(`invalid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail('expected a JSON object');
  const object = value as Record<string, unknown>;
  const row: Record<string, unknown> = {};
  for (const column of columns) {
    const field = Object.prototype.hasOwnProperty.call(object, column.name)
      ? object[column.name]
      : null;
    const problem = typeProblem(column.type, field);
    if (problem) return fail(`field "${column.name}": ${problem}`);
    row[column.name] = field;
  }
  return { ok: true, row };
}
