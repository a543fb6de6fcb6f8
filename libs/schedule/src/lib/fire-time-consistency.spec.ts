import { CronExpressionParser } from 'cron-parser';
import fc from 'fast-check';

import type { Schedule } from '@flow/contracts';

import { describeInProcessZones, iso } from '../testing/process-zones';
import { compileSchedule } from './compile-schedule';

const DEFAULTS = { timezone: 'UTC', anchor: new Date('2026-01-01T00:00:00Z') };
const FROM = Date.UTC(2026, 0, 1);
const TO = Date.UTC(2031, 0, 1);
/** DST changes (UTC instants) in New York, Berlin and Lord Howe: random instants cluster around them. */
const TRANSITIONS = [
  '2027-03-14T07:00:00Z',
  '2027-11-07T06:00:00Z',
  '2027-03-28T01:00:00Z',
  '2027-10-31T01:00:00Z',
  '2027-04-03T15:00:00Z',
  '2027-10-02T15:30:00Z',
  '2028-03-12T07:00:00Z',
  '2028-11-05T06:00:00Z',
].map((text) => Date.parse(text));

const SCHEDULES: Schedule[] = [
  { type: 'cron', expression: '30 2 * * *', timezone: 'America/New_York' },
  { type: 'cron', expression: '30 1 * * *', timezone: 'America/New_York' },
  { type: 'cron', expression: '*/20 * * * *', timezone: 'America/New_York' },
  { type: 'cron', expression: '*/10 2 * * *', timezone: 'Europe/Berlin' },
  { type: 'cron', expression: '0 * * * *', timezone: 'Europe/Berlin' },
  { type: 'cron', expression: '15 2 * * *', timezone: 'Australia/Lord_Howe' },
  {
    type: 'cron',
    expression: '*/15 1,2 * * *',
    timezone: 'Australia/Lord_Howe',
  },
  { type: 'cron', expression: '0 12 29 2 *', timezone: 'America/New_York' },
  { type: 'cron', expression: '0 9 * * 1-5', timezone: 'UTC' },
  { type: 'interval', every: 'PT25M', anchor: '2026-01-01T00:07:00Z' },
  {
    type: 'rrule',
    rrule: 'DTSTART;TZID=America/New_York:20260101T023000\nRRULE:FREQ=DAILY',
  },
  {
    type: 'rrule',
    rrule:
      'DTSTART;TZID=Europe/Berlin:20260101T000000\nRRULE:FREQ=HOURLY;INTERVAL=3',
  },
  {
    type: 'rrule',
    rrule:
      'DTSTART;TZID=Australia/Lord_Howe:20260101T014500\nRRULE:FREQ=WEEKLY;BYDAY=SA,SU',
  },
];

const instants = fc.oneof(
  fc.integer({ min: FROM, max: TO }),
  fc
    .tuple(
      fc.constantFrom(...TRANSITIONS),
      fc.integer({ min: -3 * 3_600_000, max: 3 * 3_600_000 }),
    )
    .map(([at, delta]) => at + delta),
  fc
    .tuple(fc.constantFrom(...TRANSITIONS), fc.integer({ min: -180, max: 180 }))
    .map(([at, minutes]) => at + minutes * 60_000),
);

describe('previousFireTime agrees with nextFireTimes', () => {
  describeInProcessZones(() => {
    it.each(
      SCHEDULES.map(
        (schedule) => [JSON.stringify(schedule), schedule] as const,
      ),
    )('%s', (_name, schedule) => {
      const compiled = compileSchedule(schedule, DEFAULTS);
      fc.assert(
        fc.property(instants, (t) => {
          const [next] = compiled.nextFireTimes(new Date(t), 1);
          expect(next.getTime()).toBeGreaterThan(t);
          expect(compiled.previousFireTime(next)).toEqual(next);
          expect(
            compiled
              .previousFireTime(new Date(next.getTime() - 1))
              ?.getTime() ?? -Infinity,
          ).toBeLessThanOrEqual(t);
          const previous = compiled.previousFireTime(new Date(t));
          if (previous !== null) {
            expect(previous.getTime()).toBeLessThanOrEqual(t);
            expect(compiled.nextFireTimes(previous, 1)).toEqual([next]);
          }
        }),
        { numRuns: 300, seed: 20270314 },
      );
    });
  });
});

const field = (min: number, max: number) =>
  fc.oneof(
    fc.constant('*'),
    fc
      .integer({ min: 1, max: Math.min(max - min, 20) })
      .map((step) => `*/${step}`),
    fc.integer({ min, max }).map(String),
    fc
      .tuple(fc.integer({ min, max }), fc.integer({ min, max }))
      .map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
    fc
      .uniqueArray(fc.integer({ min, max }), { minLength: 2, maxLength: 4 })
      .map((values) => values.join(',')),
  );
/** Day fields never start with `*` unless they are exactly `*`: cron-parser treats `*\/2` as restricting, Vixie does not. */
const dayField = (min: number, max: number) =>
  fc.oneof(
    fc.constant('*'),
    fc.integer({ min, max }).map(String),
    fc
      .tuple(fc.integer({ min, max }), fc.integer({ min, max }))
      .map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
  );
const expressions = fc
  .tuple(
    field(0, 59),
    field(0, 23),
    dayField(1, 28),
    field(1, 12),
    dayField(0, 6),
  )
  .map((fields) => fields.join(' '));

describe('cron matcher against cron-parser 5.10.6 in UTC (no DST, where cron-parser is reliable)', () => {
  describeInProcessZones(() => {
    it('finds the same next five fires and previous fire', () => {
      fc.assert(
        fc.property(
          expressions,
          fc.integer({ min: FROM, max: TO }),
          (expression, t) => {
            const compiled = compileSchedule(
              { type: 'cron', expression, timezone: 'UTC' },
              DEFAULTS,
            );
            const oracle = CronExpressionParser.parse(expression, {
              currentDate: new Date(t),
              tz: 'UTC',
            });
            const expected = Array.from({ length: 5 }, () =>
              oracle.next().toDate(),
            );
            expect(iso(compiled.nextFireTimes(new Date(t), 5))).toEqual(
              iso(expected),
            );
            const before = CronExpressionParser.parse(expression, {
              currentDate: new Date(t + 1),
              tz: 'UTC',
            })
              .prev()
              .toDate();
            expect(iso([compiled.previousFireTime(new Date(t))])).toEqual(
              iso([before]),
            );
          },
        ),
        { numRuns: 400, seed: 5106 },
      );
    });

    it('differs from cron-parser on the Lord Howe gap day, which is why the engine has its own matcher', () => {
      const after = new Date('2027-10-02T00:00:00Z');
      const oracle = CronExpressionParser.parse('15 2 * * *', {
        currentDate: after,
        tz: 'Australia/Lord_Howe',
      });
      const compiled = compileSchedule(
        {
          type: 'cron',
          expression: '15 2 * * *',
          timezone: 'Australia/Lord_Howe',
        },
        DEFAULTS,
      );
      expect(iso([oracle.next().toDate()])).toEqual(['2027-10-03T15:15:00Z']);
      expect(iso(compiled.nextFireTimes(after, 1))).toEqual([
        '2027-10-02T15:45:00Z',
      ]);
    });
  });
});
