import { ValidationFailedError } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are uuids; anything else can never name a row (callers answer 404 rather than let PostgreSQL reject it). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** A page size from the query string: absent → `fallback`; otherwise an integer from 1 to `max`, else a 400 naming `limit`. */
export function parsePageLimit(
  raw: string | undefined,
  fallback: number,
  max: number,
): number {
  if (raw === undefined || raw === '') return fallback;
  const limit = /^\d{1,3}$/.test(raw) ? Number(raw) : NaN;
  if (!(limit >= 1 && limit <= max)) {
    throw new ValidationFailedError([
      { path: 'limit', message: `must be an integer from 1 to ${max}` },
    ]);
  }
  return limit;
}
