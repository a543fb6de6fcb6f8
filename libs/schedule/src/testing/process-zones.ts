import { clearScheduleCache } from '../lib/schedule-cache';

/** Installed by `jest-environment.cjs`: sets TZ on the real process, not on Jest's copy of `process.env`. */
declare const __setProcessTimeZone: (zone: string | undefined) => void;

/** Process zones every spec runs under, with `new Date(0).getTimezoneOffset()` in each. */
const PROCESS_ZONES: [string, number][] = [
  ['UTC', 0],
  ['America/Los_Angeles', 480],
];

/**
 * Runs `body` once per process zone: the engine must never depend on the zone it runs in
 * (rrule.js floating dates, `Date` local getters). Compiled schedules are cleared between runs.
 */
export function describeInProcessZones(body: () => void): void {
  describe.each(PROCESS_ZONES)(
    'with the process in TZ=%s',
    (zone, offsetAtEpoch) => {
      const original = process.env['TZ'];
      beforeAll(() => {
        __setProcessTimeZone(zone);
        clearScheduleCache();
        expect(new Date(0).getTimezoneOffset()).toBe(offsetAtEpoch);
      });
      afterAll(() => {
        __setProcessTimeZone(original);
        clearScheduleCache();
      });
      body();
    },
  );
}

/** ISO strings without milliseconds, as the fixtures write them. */
export function iso(dates: readonly (Date | null)[]): (string | null)[] {
  return dates.map((date) =>
    date === null ? null : date.toISOString().replace('.000Z', 'Z'),
  );
}
