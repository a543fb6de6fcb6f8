import { DateTime } from 'luxon';

const UNIT_MS = {
  W: 604_800_000,
  D: 86_400_000,
  H: 3_600_000,
  M: 60_000,
  S: 1_000,
} as const;

export type DurationResult =
  | { ok: true; ms: number }
  | { ok: false; error: string };

/**
 * Parses an ISO-8601 duration of fixed length (weeks, days, hours, minutes, seconds). Days are 24 hours of
 * absolute time; years and months are rejected because their length in absolute time varies.
 */
export function parseFixedDuration(text: string): DurationResult {
  const match =
    /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
      text,
    );
  if (!match || text === 'P' || text.endsWith('T')) {
    return {
      ok: false,
      error: `'${text}' is not an ISO-8601 duration such as PT15M, PT1H or P1D`,
    };
  }
  const [, years, months, weeks, days, hours, minutes, seconds] = match;
  if (years !== undefined || months !== undefined) {
    return {
      ok: false,
      error:
        'years and months are not fixed durations in absolute time; use a cron or rrule schedule',
    };
  }
  const ms =
    Number(weeks ?? 0) * UNIT_MS.W +
    Number(days ?? 0) * UNIT_MS.D +
    Number(hours ?? 0) * UNIT_MS.H +
    Number(minutes ?? 0) * UNIT_MS.M +
    Math.round(Number(seconds ?? 0) * UNIT_MS.S);
  if (ms < UNIT_MS.M)
    return { ok: false, error: 'must be at least 1 minute (PT1M)' };
  return { ok: true, ms };
}

/** Parses an ISO-8601 instant that carries `Z` or an explicit offset; null when invalid. */
export function parseInstant(text: string): number | null {
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(
      text,
    )
  )
    return null;
  const parsed = DateTime.fromISO(text, { setZone: true });
  return parsed.isValid ? parsed.toMillis() : null;
}

/** `2026-01-01T00:00:00Z` (milliseconds only when not zero). */
export function formatInstant(instant: number): string {
  return new Date(instant).toISOString().replace('.000Z', 'Z');
}
