import type { Schedule } from '@flow/contracts';

import fixtures from '../fixtures/schedules.json';
import { describeInProcessZones, iso } from '../testing/process-zones';
import { ScheduleError } from './compiled-schedule';
import { compileSchedule } from './compile-schedule';

const UTC_DEFAULTS = {
  timezone: 'UTC',
  anchor: new Date('2026-01-01T00:00:00Z'),
};

interface FireCase {
  name: string;
  schedule: Schedule;
  after: string;
  next: string[];
  defaults?: { timezone: string; anchor: Date };
}

const cron = (expression: string, timezone: string): Schedule => ({
  type: 'cron',
  expression,
  timezone,
});
const rrule = (text: string): Schedule => ({ type: 'rrule', rrule: text });

const CRON_CASES: FireCase[] = [
  {
    name: 'UTC minute step',
    schedule: cron('*/15 * * * *', 'UTC'),
    after: '2027-01-01T00:07:00Z',
    next: [
      '2027-01-01T00:15:00Z',
      '2027-01-01T00:30:00Z',
      '2027-01-01T00:45:00Z',
      '2027-01-01T01:00:00Z',
    ],
  },
  {
    name: 'New York spring forward, fixed hour with minute step: every gap time shifts by 1h',
    schedule: cron('*/15 2 * * *', 'America/New_York'),
    after: '2027-03-14T05:00:00Z',
    next: [
      '2027-03-14T07:00:00Z',
      '2027-03-14T07:15:00Z',
      '2027-03-14T07:30:00Z',
      '2027-03-14T07:45:00Z',
      '2027-03-15T06:00:00Z',
    ],
  },
  {
    name: 'New York fall back, fixed hour: first occurrence only',
    schedule: cron('*/20 1 * * *', 'America/New_York'),
    after: '2027-11-07T04:00:00Z',
    next: [
      '2027-11-07T05:00:00Z',
      '2027-11-07T05:20:00Z',
      '2027-11-07T05:40:00Z',
      '2027-11-08T06:00:00Z',
    ],
  },
  {
    name: 'New York fall back, hour step */1: both occurrences',
    schedule: cron('30 */1 * * *', 'America/New_York'),
    after: '2027-11-07T04:00:00Z',
    next: [
      '2027-11-07T04:30:00Z',
      '2027-11-07T05:30:00Z',
      '2027-11-07T06:30:00Z',
      '2027-11-07T07:30:00Z',
    ],
  },
  {
    name: 'New York fall back, hour range is fixed: once',
    schedule: cron('0 1-2 * * *', 'America/New_York'),
    after: '2027-11-07T04:00:00Z',
    next: [
      '2027-11-07T05:00:00Z',
      '2027-11-07T07:00:00Z',
      '2027-11-08T06:00:00Z',
      '2027-11-08T07:00:00Z',
    ],
  },
  {
    name: 'Berlin spring forward, wildcard hour',
    schedule: cron('0 * * * *', 'Europe/Berlin'),
    after: '2027-03-27T23:30:00Z',
    next: [
      '2027-03-28T00:00:00Z',
      '2027-03-28T01:00:00Z',
      '2027-03-28T02:00:00Z',
      '2027-03-28T03:00:00Z',
    ],
  },
  {
    name: 'Berlin fall back, wildcard hour: both 02:00s',
    schedule: cron('0 * * * *', 'Europe/Berlin'),
    after: '2027-10-30T23:30:00Z',
    next: [
      '2027-10-31T00:00:00Z',
      '2027-10-31T01:00:00Z',
      '2027-10-31T02:00:00Z',
    ],
  },
  {
    name: 'Lord Howe spring forward (30 min), minute step follows real time',
    schedule: cron('*/15 * * * *', 'Australia/Lord_Howe'),
    after: '2027-10-02T15:20:00Z',
    next: [
      '2027-10-02T15:30:00Z',
      '2027-10-02T15:45:00Z',
      '2027-10-02T16:00:00Z',
      '2027-10-02T16:15:00Z',
    ],
  },
  {
    name: 'Lord Howe fall back (30 min), fixed hour: first occurrence',
    schedule: cron('45 1 * * *', 'Australia/Lord_Howe'),
    after: '2027-04-03T00:00:00Z',
    next: ['2027-04-03T14:45:00Z', '2027-04-04T15:15:00Z'],
  },
  {
    name: 'Lord Howe fall back (30 min), minute step: both occurrences',
    schedule: cron('*/15 * * * *', 'Australia/Lord_Howe'),
    after: '2027-04-03T14:20:00Z',
    next: [
      '2027-04-03T14:30:00Z',
      '2027-04-03T14:45:00Z',
      '2027-04-03T15:00:00Z',
      '2027-04-03T15:15:00Z',
      '2027-04-03T15:30:00Z',
    ],
  },
  {
    name: 'month ends incl. leap day',
    schedule: cron('0 12 28-31 2 *', 'UTC'),
    after: '2027-02-27T00:00:00Z',
    next: [
      '2027-02-28T12:00:00Z',
      '2028-02-28T12:00:00Z',
      '2028-02-29T12:00:00Z',
      '2029-02-28T12:00:00Z',
    ],
  },
  {
    name: 'day 30 skips February',
    schedule: cron('0 0 30 * *', 'UTC'),
    after: '2027-01-30T00:00:00Z',
    next: [
      '2027-03-30T00:00:00Z',
      '2027-04-30T00:00:00Z',
      '2027-05-30T00:00:00Z',
    ],
  },
  {
    name: 'hour range with step',
    schedule: cron('0 8-18/5 * * *', 'UTC'),
    after: '2027-01-01T09:00:00Z',
    next: [
      '2027-01-01T13:00:00Z',
      '2027-01-01T18:00:00Z',
      '2027-01-02T08:00:00Z',
    ],
  },
  {
    name: 'month names',
    schedule: cron('0 0 1 jan,JUL *', 'UTC'),
    after: '2027-01-01T00:00:00Z',
    next: ['2027-07-01T00:00:00Z', '2028-01-01T00:00:00Z'],
  },
  {
    name: 'day-of-week 7 is Sunday',
    schedule: cron('0 0 * * 7', 'UTC'),
    after: '2027-01-01T00:00:00Z',
    next: ['2027-01-03T00:00:00Z', '2027-01-10T00:00:00Z'],
  },
  {
    name: 'Vixie: a day field starting with * makes day-of-month AND day-of-week',
    schedule: cron('0 0 */10 * 1', 'UTC'),
    after: '2027-01-01T00:00:00Z',
    next: [
      '2027-01-11T00:00:00Z',
      '2027-02-01T00:00:00Z',
      '2027-03-01T00:00:00Z',
    ],
  },
  {
    name: '@hourly',
    schedule: cron('@hourly', 'UTC'),
    after: '2027-01-01T00:00:00Z',
    next: ['2027-01-01T01:00:00Z', '2027-01-01T02:00:00Z'],
  },
  {
    name: '@weekly is Sunday midnight',
    schedule: cron('@weekly', 'America/New_York'),
    after: '2027-01-01T00:00:00Z',
    next: ['2027-01-03T05:00:00Z', '2027-01-10T05:00:00Z'],
  },
  {
    name: '@monthly across the Berlin spring change',
    schedule: cron('@monthly', 'Europe/Berlin'),
    after: '2027-01-15T00:00:00Z',
    next: [
      '2027-01-31T23:00:00Z',
      '2027-02-28T23:00:00Z',
      '2027-03-31T22:00:00Z',
    ],
  },
  {
    name: '@yearly',
    schedule: cron('@yearly', 'UTC'),
    after: '2027-06-01T00:00:00Z',
    next: ['2028-01-01T00:00:00Z', '2029-01-01T00:00:00Z'],
  },
  {
    name: '@midnight',
    schedule: cron('@midnight', 'UTC'),
    after: '2027-06-01T00:00:00Z',
    next: ['2027-06-02T00:00:00Z'],
  },
  {
    name: 'cron without timezone uses the tenant zone',
    schedule: { type: 'cron', expression: '0 9 * * *' },
    after: '2027-01-01T00:00:00Z',
    next: ['2027-01-01T08:00:00Z'],
    defaults: {
      timezone: 'Europe/Berlin',
      anchor: new Date('2026-01-01T00:00:00Z'),
    },
  },
];

const RRULE_CASES: FireCase[] = [
  {
    name: 'Berlin fall back, daily 02:30: first occurrence',
    schedule: rrule(
      'DTSTART;TZID=Europe/Berlin:20271030T023000\nRRULE:FREQ=DAILY',
    ),
    after: '2027-10-30T00:00:00Z',
    next: [
      '2027-10-30T00:30:00Z',
      '2027-10-31T00:30:00Z',
      '2027-11-01T01:30:00Z',
    ],
  },
  {
    name: 'New York fall back, HOURLY follows real time',
    schedule: rrule(
      'DTSTART;TZID=America/New_York:20271106T230000\nRRULE:FREQ=HOURLY',
    ),
    after: '2027-11-07T04:30:00Z',
    next: [
      '2027-11-07T05:00:00Z',
      '2027-11-07T06:00:00Z',
      '2027-11-07T07:00:00Z',
    ],
  },
  {
    name: 'New York spring forward, HOURLY',
    schedule: rrule(
      'DTSTART;TZID=America/New_York:20270313T230000\nRRULE:FREQ=HOURLY',
    ),
    after: '2027-03-14T05:30:00Z',
    next: [
      '2027-03-14T06:00:00Z',
      '2027-03-14T07:00:00Z',
      '2027-03-14T08:00:00Z',
    ],
  },
  {
    name: 'New York fall back, HOURLY with BYHOUR is fixed: once',
    schedule: rrule(
      'DTSTART;TZID=America/New_York:20271101T013000\nRRULE:FREQ=HOURLY;BYHOUR=1',
    ),
    after: '2027-11-07T04:00:00Z',
    next: ['2027-11-07T05:30:00Z', '2027-11-08T06:30:00Z'],
  },
  {
    name: 'Lord Howe spring forward, daily 02:15 → 02:45',
    schedule: rrule(
      'DTSTART;TZID=Australia/Lord_Howe:20271001T021500\nRRULE:FREQ=DAILY',
    ),
    after: '2027-10-02T00:00:00Z',
    next: [
      '2027-10-02T15:45:00Z',
      '2027-10-03T15:15:00Z',
      '2027-10-04T15:15:00Z',
    ],
  },
  {
    name: 'UTC COUNT ends the rule',
    schedule: rrule('DTSTART:20270101T090000Z\nRRULE:FREQ=DAILY;COUNT=3'),
    after: '2026-12-31T00:00:00Z',
    next: [
      '2027-01-01T09:00:00Z',
      '2027-01-02T09:00:00Z',
      '2027-01-03T09:00:00Z',
    ],
  },
  {
    name: 'UNTIL in UTC is inclusive',
    schedule: rrule(
      'DTSTART;TZID=America/New_York:20270101T090000\nRRULE:FREQ=WEEKLY;UNTIL=20270115T140000Z',
    ),
    after: '2026-12-31T00:00:00Z',
    next: [
      '2027-01-01T14:00:00Z',
      '2027-01-08T14:00:00Z',
      '2027-01-15T14:00:00Z',
    ],
  },
  {
    name: 'floating DTSTART is read in the tenant zone',
    schedule: rrule('DTSTART:20270105T090000\nRRULE:FREQ=DAILY'),
    after: '2027-01-05T00:00:00Z',
    next: ['2027-01-05T08:00:00Z', '2027-01-06T08:00:00Z'],
    defaults: {
      timezone: 'Europe/Berlin',
      anchor: new Date('2026-01-01T00:00:00Z'),
    },
  },
  {
    name: 'no DTSTART: starts at the anchor (rounded up to the minute) in the tenant zone',
    schedule: rrule('RRULE:FREQ=DAILY;BYHOUR=9;BYMINUTE=0'),
    after: '2027-01-01T00:00:00Z',
    next: ['2027-01-06T14:00:00Z', '2027-01-07T14:00:00Z'],
    defaults: {
      timezone: 'America/New_York',
      anchor: new Date('2027-01-05T20:00:30Z'),
    },
  },
  {
    name: 'yearly on Feb 29 reaches across years',
    schedule: rrule(
      'DTSTART:20240229T120000Z\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29',
    ),
    after: '2026-01-01T00:00:00Z',
    next: ['2028-02-29T12:00:00Z', '2032-02-29T12:00:00Z'],
  },
];

const INTERVAL_CASES: FireCase[] = [
  {
    name: 'PT15M ignores the New York fall back',
    schedule: {
      type: 'interval',
      every: 'PT15M',
      anchor: '2026-01-01T00:00:00Z',
    },
    after: '2027-11-07T05:50:00Z',
    next: ['2027-11-07T06:00:00Z', '2027-11-07T06:15:00Z'],
  },
  {
    name: 'P1D is 24 hours of absolute time (03:30 EDT after the spring change)',
    schedule: {
      type: 'interval',
      every: 'P1D',
      anchor: '2027-03-13T07:30:00Z',
    },
    after: '2027-03-13T07:30:00Z',
    next: ['2027-03-14T07:30:00Z', '2027-03-15T07:30:00Z'],
  },
  {
    name: 'anchor with an offset',
    schedule: {
      type: 'interval',
      every: 'PT1H',
      anchor: '2026-01-01T01:30:00+01:00',
    },
    after: '2027-01-01T00:00:00Z',
    next: ['2027-01-01T00:30:00Z', '2027-01-01T01:30:00Z'],
  },
  {
    name: 'a future anchor is the first fire',
    schedule: {
      type: 'interval',
      every: 'PT1H',
      anchor: '2027-06-01T00:00:00Z',
    },
    after: '2027-01-01T00:00:00Z',
    next: ['2027-06-01T00:00:00Z', '2027-06-01T01:00:00Z'],
  },
  {
    name: 'default anchor is when the schedule began',
    schedule: { type: 'interval', every: 'PT90M' },
    after: '2027-01-01T00:00:00Z',
    next: ['2027-01-01T00:30:00Z'],
    defaults: {
      timezone: 'Asia/Tokyo',
      anchor: new Date('2026-12-31T23:00:00Z'),
    },
  },
];

describe(compileSchedule.name, () => {
  describeInProcessZones(() => {
    describe('shared fixtures (computed independently of the engine)', () => {
      it.each(fixtures.cases.map((c) => [c.note, c] as const))(
        '%s',
        (_note, c) => {
          const compiled = compileSchedule(
            c.schedule as Schedule,
            UTC_DEFAULTS,
          );
          expect(
            iso(compiled.nextFireTimes(new Date(c.after), c.next.length)),
          ).toEqual(c.next);
          for (const fire of c.next)
            expect(iso([compiled.previousFireTime(new Date(fire))])).toEqual([
              fire,
            ]);
        },
      );
    });

    describe.each([
      ['cron', CRON_CASES],
      ['rrule', RRULE_CASES],
      ['interval', INTERVAL_CASES],
    ])('%s nextFireTimes and previousFireTime', (_kind, cases) => {
      it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
        const compiled = compileSchedule(
          c.schedule,
          c.defaults ?? UTC_DEFAULTS,
        );
        expect(
          iso(
            compiled
              .nextFireTimes(new Date(c.after), c.next.length + 1)
              .slice(0, c.next.length),
          ),
        ).toEqual(c.next);
        const lastFire = new Date(c.next[c.next.length - 1]);
        expect(iso([compiled.previousFireTime(lastFire)])).toEqual([
          c.next[c.next.length - 1],
        ]);
        expect(
          iso([compiled.previousFireTime(new Date(lastFire.getTime() - 1))]),
        ).toEqual([
          c.next.at(-2) ??
            iso([compiled.previousFireTime(new Date(c.after))])[0],
        ]);
      });
    });

    describe('ends and starts', () => {
      it('returns fewer fires once an rrule has ended, and null before it starts', () => {
        const compiled = compileSchedule(
          rrule('DTSTART:20270101T090000Z\nRRULE:FREQ=DAILY;COUNT=3'),
          UTC_DEFAULTS,
        );
        expect(
          compiled.nextFireTimes(new Date('2027-01-01T00:00:00Z'), 5),
        ).toHaveLength(3);
        expect(
          compiled.nextFireTimes(new Date('2028-01-01T00:00:00Z'), 5),
        ).toEqual([]);
        expect(
          compiled.previousFireTime(new Date('2026-12-31T00:00:00Z')),
        ).toBeNull();
        expect(
          iso([compiled.previousFireTime(new Date('2030-01-01T00:00:00Z'))]),
        ).toEqual(['2027-01-03T09:00:00Z']);
      });

      it('has no interval fire before the anchor', () => {
        const compiled = compileSchedule(
          { type: 'interval', every: 'PT1H', anchor: '2027-06-01T00:00:00Z' },
          UTC_DEFAULTS,
        );
        expect(
          compiled.previousFireTime(new Date('2027-05-31T23:59:59Z')),
        ).toBeNull();
        expect(
          iso([compiled.previousFireTime(new Date('2027-06-01T00:00:00Z'))]),
        ).toEqual(['2027-06-01T00:00:00Z']);
      });

      it('finds the previous Feb 29 fire years back without scanning', () => {
        const compiled = compileSchedule(
          cron('0 12 29 2 *', 'America/New_York'),
          UTC_DEFAULTS,
        );
        expect(
          iso([compiled.previousFireTime(new Date('2103-03-01T00:00:00Z'))]),
        ).toEqual(['2096-02-29T17:00:00Z']);
      });
    });

    describe('firesBetween', () => {
      it('returns fires in (after, until], oldest first, at most limit', () => {
        const compiled = compileSchedule(
          cron('*/15 * * * *', 'UTC'),
          UTC_DEFAULTS,
        );
        const from = new Date('2027-01-01T00:00:00Z');
        expect(
          iso(
            compiled.firesBetween(from, new Date('2027-01-01T01:00:00Z'), 10),
          ),
        ).toEqual([
          '2027-01-01T00:15:00Z',
          '2027-01-01T00:30:00Z',
          '2027-01-01T00:45:00Z',
          '2027-01-01T01:00:00Z',
        ]);
        expect(
          iso(compiled.firesBetween(from, new Date('2027-01-02T00:00:00Z'), 2)),
        ).toEqual(['2027-01-01T00:15:00Z', '2027-01-01T00:30:00Z']);
        expect(
          compiled.firesBetween(from, new Date('2027-01-01T00:14:59Z'), 10),
        ).toEqual([]);
      });

      it('covers both 01:30s of a fall-back outage for a real-time rrule', () => {
        const compiled = compileSchedule(
          rrule(
            'DTSTART;TZID=America/New_York:20271101T003000\nRRULE:FREQ=HOURLY',
          ),
          UTC_DEFAULTS,
        );
        expect(
          iso(
            compiled.firesBetween(
              new Date('2027-11-07T05:00:00Z'),
              new Date('2027-11-07T07:00:00Z'),
              100,
            ),
          ),
        ).toEqual(['2027-11-07T05:30:00Z', '2027-11-07T06:30:00Z']);
      });
    });

    describe('description and text', () => {
      it.each<[Schedule, string, string]>([
        [
          cron('*/15 * * * *', 'Europe/Berlin'),
          '*/15 * * * *',
          'every 15 minutes',
        ],
        [cron('* * * * *', 'UTC'), '* * * * *', 'every minute'],
        [cron('0 * * * *', 'UTC'), '0 * * * *', 'every hour at minute 0 (UTC)'],
        [
          cron('0 */6 * * *', 'UTC'),
          '0 */6 * * *',
          'every 6 hours at minute 0 (UTC)',
        ],
        [
          cron('0 9 * * 1,4', 'Europe/Berlin'),
          '0 9 * * 1,4',
          'at 09:00 on Monday and Thursday (Europe/Berlin)',
        ],
        [
          cron('30 2 * * *', 'America/New_York'),
          '30 2 * * *',
          'at 02:30 every day (America/New_York)',
        ],
        [
          cron('0 9,17 * * 1-5', 'UTC'),
          '0 9,17 * * 1-5',
          'at 09:00 and 17:00 on weekdays (UTC)',
        ],
        [
          cron('0 12 29 2 *', 'UTC'),
          '0 12 29 2 *',
          'at 12:00 on February 29 (UTC)',
        ],
        [
          cron('0 0 1,15 * *', 'UTC'),
          '0 0 1,15 * *',
          'at 00:00 on day 1, 15 of the month (UTC)',
        ],
        [cron('@yearly', 'UTC'), '@yearly', 'at 00:00 on January 1 (UTC)'],
        [
          cron('5,35 */6 * * *', 'UTC'),
          '5,35 */6 * * *',
          'at minute 5,35 past hour */6 (UTC)',
        ],
        [
          { type: 'interval', every: 'PT15M', anchor: '2026-01-01T00:00:00Z' },
          'PT15M from 2026-01-01T00:00:00Z',
          'every 15 minutes from 2026-01-01 00:00 UTC',
        ],
        [
          { type: 'interval', every: 'PT1H', anchor: '2026-01-01T00:00:30Z' },
          'PT1H from 2026-01-01T00:00:30Z',
          'every hour from 2026-01-01 00:00:30 UTC',
        ],
        [
          rrule(
            'DTSTART;TZID=Europe/Berlin:20260105T090000\nRRULE:FREQ=WEEKLY;BYDAY=MO,TH',
          ),
          'DTSTART;TZID=Europe/Berlin:20260105T090000\nRRULE:FREQ=WEEKLY;BYDAY=MO,TH',
          'at 09:00 on Monday and Thursday (Europe/Berlin)',
        ],
        [
          rrule(
            'DTSTART:20270101T000000Z\nRRULE:FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=17;BYMINUTE=0',
          ),
          'DTSTART:20270101T000000Z\nRRULE:FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=17;BYMINUTE=0',
          'at 17:00 on the last Friday of every month (UTC)',
        ],
        [
          rrule('DTSTART:20270101T090000Z\nRRULE:FREQ=DAILY;COUNT=3'),
          'DTSTART:20270101T090000Z\nRRULE:FREQ=DAILY;COUNT=3',
          'at 09:00 every day, 3 times (UTC)',
        ],
        [
          rrule('DTSTART:20270101T000000Z\nRRULE:FREQ=HOURLY;INTERVAL=2'),
          'DTSTART:20270101T000000Z\nRRULE:FREQ=HOURLY;INTERVAL=2',
          'every 2 hours at minute 0 (UTC)',
        ],
      ])('%j', (schedule, text, description) => {
        const compiled = compileSchedule(schedule, UTC_DEFAULTS);
        expect(compiled.text).toBe(text);
        expect(compiled.description).toBe(description);
      });

      it('reports kind and effective timezone', () => {
        expect(
          compileSchedule(
            { type: 'cron', expression: '0 9 * * *' },
            { ...UTC_DEFAULTS, timezone: 'Asia/Tokyo' },
          ),
        ).toMatchObject({ kind: 'cron', timezone: 'Asia/Tokyo' });
        expect(
          compileSchedule(
            { type: 'interval', every: 'PT1H' },
            { ...UTC_DEFAULTS, timezone: 'Asia/Tokyo' },
          ),
        ).toMatchObject({ kind: 'interval', timezone: 'UTC' });
        expect(
          compileSchedule(rrule('RRULE:FREQ=DAILY'), {
            ...UTC_DEFAULTS,
            timezone: 'Asia/Tokyo',
          }),
        ).toMatchObject({ kind: 'rrule', timezone: 'Asia/Tokyo' });
      });
    });

    describe('invalid input', () => {
      it('throws ScheduleError with field errors', () => {
        const attempt = () =>
          compileSchedule(cron('61 * * * *', 'UTC'), UTC_DEFAULTS);
        expect(attempt).toThrow(ScheduleError);
        expect(attempt).toThrow(
          'schedule.expression: minute 61 is out of range 0-59',
        );
      });

      it('rejects an unknown tenant zone', () => {
        expect(() =>
          compileSchedule(
            { type: 'cron', expression: '* * * * *' },
            { ...UTC_DEFAULTS, timezone: 'Mars/Base' },
          ),
        ).toThrow(
          "defaults.timezone: unknown time zone 'Mars/Base' (use an IANA name such as Europe/Berlin)",
        );
      });
    });
  });
});
