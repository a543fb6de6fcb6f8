import { ValidationFailedError } from './errors';
import { isUuid } from './request-params';

/** The cursor's instant as repositories print it: ISO 8601, UTC, microseconds (a JS Date keeps milliseconds only). */
const CURSOR_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** A keyset position: the last row's sort instant (to the microsecond) and its id. */
export interface InstantCursor {
  instant: string;
  id: string;
}

/**
 * SQL printing a `timestamptz` column as the cursor's instant, e.g. `instantText('queued_at')` — so a page
 * boundary is exact (a JS Date would round it to milliseconds and repeat or skip rows).
 */
export function instantText(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** An opaque cursor for the page after the row `(instant, id)`. */
export function encodeInstantCursor(instant: string, id: string): string {
  return Buffer.from(JSON.stringify({ q: instant, id }), 'utf8').toString(
    'base64url',
  );
}

/** The position an {@link encodeInstantCursor} cursor names; absent or empty → null; anything else is a 400. */
export function decodeInstantCursor(
  cursor: string | undefined,
): InstantCursor | null {
  if (cursor === undefined || cursor === '') return null;
  try {
    const decoded = JSON.parse(
      Buffer.from(cursor, 'base64url').toString('utf8'),
    ) as { q?: unknown; id?: unknown };
    if (
      typeof decoded.q === 'string' &&
      CURSOR_INSTANT.test(decoded.q) &&
      typeof decoded.id === 'string' &&
      isUuid(decoded.id)
    ) {
      return { instant: decoded.q, id: decoded.id };
    }
  } catch {
    // fall through to the 400 below
  }
  throw new ValidationFailedError([
    { path: 'cursor', message: 'is not a cursor returned by this endpoint' },
  ]);
}
