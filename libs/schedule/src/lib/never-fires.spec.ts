import fc from 'fast-check';

import type { Schedule } from '@flow/contracts';

import { describeInProcessZones } from '../testing/process-zones';
import { compileSchedule } from './compile-schedule';
import { END_OF_TIME, ScheduleError } from './compiled-schedule';
import {
  EVALUATION_BUDGET,
  EvaluationBudget,
  ScheduleBudgetError,
} from './evaluation-budget';
import { fireHorizonProblems } from './fire-horizon';
import { neverFiresReason } from './rrule-analysis';
import { normaliseRule, RRuleExpander } from './rrule-expander';
import { parseRRuleText } from './rrule-text';
import { validateSchedule } from './validate-schedule';

const P = 'ir.schedule';
const NOW = new Date('2026-12-01T12:00:00Z');
const DEFAULTS = { timezone: 'UTC', anchor: NOW };
const rrule = (text: string): Schedule => ({ type: 'rrule', rrule: text });

/** The steps a budget of `steps` would allow: every question in `body` must be answered within them. */
function withStepBudget(steps: number, body: () => void): void {
  const saved = EVALUATION_BUDGET.steps;
  EVALUATION_BUDGET.steps = steps;
  try {
    body();
  } finally {
    EVALUATION_BUDGET.steps = saved;
  }
}

describe('rules that never fire (DESIGN §17)', () => {
  // These specs assert the deterministic step bound; the CPU clock (the last line of defence) is given room, as a
  // cold Jest worker on a loaded machine runs the same steps many times slower. Its own spec is below.
  const clockLimit = EVALUATION_BUDGET.milliseconds;
  beforeAll(() => {
    EVALUATION_BUDGET.milliseconds = 60_000;
  });
  afterAll(() => {
    EVALUATION_BUDGET.milliseconds = clockLimit;
  });

  describeInProcessZones(() => {
    describe('refused by reasoning over the rule, with the reason', () => {
      it.each([
        [
          'DTSTART;TZID=Australia/Lord_Howe:20250415T124500\nRRULE:FREQ=HOURLY;INTERVAL=3;BYHOUR=1,13;BYMINUTE=30',
          'never fires: INTERVAL=3 hours from 12:45 reaches only the hours 0, 3, 6, 9, 12, 15, 18 and 21 of a day, and BYHOUR 1,13 is none of them',
        ],
        [
          'DTSTART:20261201T090000Z\nRRULE:FREQ=DAILY;INTERVAL=7;BYDAY=MO',
          'never fires: every 7 days from a Tuesday lands only on Tuesdays, and BYDAY MO is none of them',
        ],
        [
          'DTSTART:20270115T090000Z\nRRULE:FREQ=MONTHLY;INTERVAL=12;BYMONTH=3',
          'never fires: INTERVAL=12 months from January reaches only January, and BYMONTH 3 is none of them',
        ],
        [
          'DTSTART:20261201T090000Z\nRRULE:FREQ=MINUTELY;INTERVAL=2;BYMINUTE=1,3,5',
          'never fires: INTERVAL=2 minutes from minute 0 reaches only the minutes 0, 2, 4, 6, …, 58 of an hour, and BYMINUTE 1,3,5 is none of them',
        ],
        [
          'DTSTART:20261201T090000Z\nRRULE:FREQ=HOURLY;INTERVAL=48;BYHOUR=13',
          'never fires: INTERVAL=48 hours from 09:00 reaches only hour 9 of a day, and BYHOUR 13 is none of them',
        ],
        [
          'DTSTART:20261201T090000Z\nRRULE:FREQ=HOURLY;INTERVAL=168;BYDAY=MO',
          'never fires: INTERVAL=168 hours from Tuesday 09:00 is at an allowed time of day only on Tuesdays, and BYDAY MO is none of them',
        ],
        [
          'DTSTART:20261201T091500Z\nRRULE:FREQ=MINUTELY;INTERVAL=120;BYHOUR=10',
          'never fires: INTERVAL=120 minutes from 09:15 never lands on BYHOUR 10 at BYMINUTE 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59',
        ],
        [
          'DTSTART:20250101T090000Z\nRRULE:FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29',
          'never fires: only leap years have February 29, and every 4 years from 2025 never reaches one',
        ],
        [
          'DTSTART:21000101T090000Z\nRRULE:FREQ=YEARLY;INTERVAL=400;BYYEARDAY=366',
          'never fires: only leap years have a day 366, and every 400 years from 2100 never reaches one',
        ],
        [
          'DTSTART:20270201T090000Z\nRRULE:FREQ=MONTHLY;INTERVAL=12;BYMONTHDAY=30,31;BYMONTH=2',
          'never fires: BYMONTHDAY 30,31 never occurs in February',
        ],
        [
          'DTSTART:20270101T090000Z\nRRULE:FREQ=MONTHLY;BYDAY=6MO',
          'never fires: BYDAY 6MO asks for more than the 5 of each weekday a month has',
        ],
        [
          'DTSTART:20270101T090000Z\nRRULE:FREQ=HOURLY;BYMINUTE=0,30;BYSETPOS=3',
          'never fires: BYSETPOS 3 picks nothing from the 2 times of each hour',
        ],
        [
          'DTSTART:20270101T090000Z\nRRULE:FREQ=DAILY;UNTIL=20261231T000000Z',
          'never fires: UNTIL is before DTSTART',
        ],
      ])('%s', (text, reason) => {
        // (the name is the rule's two lines)
        expect(validateSchedule(rrule(text), P)).toEqual([
          { path: `${P}.rrule`, message: reason },
        ]);
        expect(() => compileSchedule(rrule(text), DEFAULTS)).toThrow(
          new ScheduleError(`schedule.rrule: ${reason}`),
        );
        withStepBudget(1, () =>
          expect(fireHorizonProblems(rrule(text), DEFAULTS, NOW, P)).toEqual([
            { path: `${P}.rrule`, message: reason },
          ]),
        );
      });

      it('checks a rule without DTSTART for what holds whatever its start, and the rest when it is written', () => {
        const febThirtieth = rrule('RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30');
        expect(validateSchedule(febThirtieth, P)).toEqual([
          {
            path: `${P}.rrule`,
            message: 'never fires: BYMONTHDAY 30 never occurs in February',
          },
        ]);
        // Every 7 days from the day it is written (a Tuesday) lands on Tuesdays only.
        const mondays = rrule('RRULE:FREQ=DAILY;INTERVAL=7;BYDAY=MO');
        expect(validateSchedule(mondays, P)).toEqual([]);
        expect(fireHorizonProblems(mondays, DEFAULTS, NOW, P)).toEqual([
          {
            path: `${P}.rrule`,
            message:
              'never fires: every 7 days from a Tuesday lands only on Tuesdays, and BYDAY MO is none of them',
          },
        ]);
      });

      it('accepts rules that do fire, however their INTERVAL and sets look', () => {
        for (const text of [
          'DTSTART:20261201T124500Z\nRRULE:FREQ=HOURLY;INTERVAL=3;BYHOUR=0,13;BYMINUTE=30',
          'DTSTART:20261201T090000Z\nRRULE:FREQ=DAILY;INTERVAL=7;BYDAY=TU,MO',
          'DTSTART:20261201T090000Z\nRRULE:FREQ=DAILY;INTERVAL=5;BYDAY=MO',
          'DTSTART:20270115T090000Z\nRRULE:FREQ=MONTHLY;INTERVAL=6;BYMONTH=7',
          'DTSTART:20261201T090100Z\nRRULE:FREQ=MINUTELY;INTERVAL=2;BYMINUTE=1,3,5',
          'DTSTART:20261201T090000Z\nRRULE:FREQ=MINUTELY;INTERVAL=7;BYHOUR=3;BYMINUTE=1',
          'DTSTART:20240101T090000Z\nRRULE:FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29',
          'DTSTART:20270101T090000Z\nRRULE:FREQ=YEARLY;BYDAY=53MO',
        ])
          expect([text, validateSchedule(rrule(text), P)]).toEqual([text, []]);
      });
    });

    describe('the write-time horizon: a next fire within 10 years', () => {
      const problems = (text: string, now = NOW) =>
        fireHorizonProblems(rrule(text), DEFAULTS, now, P);

      it('accepts a rare rule whose next fire is within 10 years', () => {
        expect(
          problems(
            'DTSTART:20261201T090000Z\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=TU',
          ),
        ).toEqual([]);
      });

      it('refuses one whose next fire is further, naming it', () => {
        expect(
          problems(
            'DTSTART:20261201T090000Z\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO',
          ),
        ).toEqual([
          {
            path: `${P}.rrule`,
            message:
              'next fires at 2044-02-29T09:00:00.000Z, more than 10 years away',
          },
        ]);
        // Written in 2035, the same rule's next fire (2044) is within 10 years.
        expect(
          problems(
            'DTSTART:20261201T090000Z\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO',
            new Date('2035-01-01T00:00:00Z'),
          ),
        ).toEqual([]);
      });

      it('accepts a rule that has ended after firing, and refuses one that ends before its first fire', () => {
        expect(
          problems('DTSTART:20250101T090000Z\nRRULE:FREQ=DAILY;COUNT=3'),
        ).toEqual([]);
        expect(
          problems(
            'DTSTART:20250101T090000Z\nRRULE:FREQ=DAILY;UNTIL=20250301T000000Z',
          ),
        ).toEqual([]);
        expect(
          problems(
            'DTSTART:20261201T090000Z\nRRULE:FREQ=MONTHLY;BYMONTHDAY=20;UNTIL=20261215T000000Z',
          ),
        ).toEqual([
          {
            path: `${P}.rrule`,
            message:
              'never fires: the rule ends (UNTIL or COUNT) before its first occurrence',
          },
        ]);
      });

      it('refuses a rule reasoning cannot refute but that has no fire within 10 years, within the budget', () => {
        // Week 30 is always in July: BYMONTH=1 never meets it (the engine does not reason about week numbers).
        expect(
          problems(
            'DTSTART:20261201T090000Z\nRRULE:FREQ=DAILY;BYWEEKNO=30;BYMONTH=1',
          ),
        ).toEqual([
          {
            path: `${P}.rrule`,
            message: 'does not fire within the next 10 years',
          },
        ]);
      });

      it('applies to every kind: an interval anchored decades ahead', () => {
        expect(
          fireHorizonProblems(
            { type: 'interval', every: 'PT1H', anchor: '2050-01-01T00:00:00Z' },
            DEFAULTS,
            NOW,
            P,
          ),
        ).toEqual([
          {
            path: `${P}.anchor`,
            message:
              'next fires at 2050-01-01T00:00:00.000Z, more than 10 years away',
          },
        ]);
        expect(
          fireHorizonProblems(
            { type: 'cron', expression: '0 0 29 2 *', timezone: 'UTC' },
            DEFAULTS,
            NOW,
            P,
          ),
        ).toEqual([]);
      });
    });

    describe('the evaluation budget', () => {
      const endless = rrule(
        'DTSTART:20261201T090000Z\nRRULE:FREQ=DAILY;BYWEEKNO=30;BYMONTH=1',
      );

      it('stops a question that would search past it, naming the rule, and fails fast from then on', () => {
        const compiled = compileSchedule(endless, DEFAULTS);
        let first: unknown = null;
        try {
          compiled.nextFireTimes(NOW, 1);
        } catch (error) {
          first = error;
        }
        expect(first).toBeInstanceOf(ScheduleBudgetError);
        expect(first).toMatchObject({
          exhausted: 'steps',
          errors: [
            {
              path: 'schedule.rrule',
              message: expect.stringMatching(/^cannot be evaluated within/),
            },
          ],
        });
        // The same error object again, without a second search.
        expect(() => compiled.previousFireTime(NOW)).toThrow(first as Error);
        expect(() => compiled.firesBetween(NOW, NOW, 1)).toThrow(
          first as Error,
        );
      });

      it('counts steps deterministically and stops at the limit', () => {
        const budget = new EvaluationBudget('schedule.rrule', 100);
        budget.spend(60);
        expect(budget.steps).toBe(60);
        expect(() => budget.spend(41)).toThrow(ScheduleBudgetError);
      });

      it('stops on the CPU clock too, which it first reads after 2,048 steps', () => {
        const budget = new EvaluationBudget('schedule.rrule', 1e9, -1);
        budget.spend(2_047);
        let error: unknown = null;
        try {
          budget.spend(1);
        } catch (thrown) {
          error = thrown;
        }
        expect(error).toMatchObject({ exhausted: 'milliseconds' });
      });
    });

    describe('cold compile does not depend on how old DTSTART is', () => {
      it.each([
        'DTSTART;TZID=America/New_York:19750301T020000\nRRULE:FREQ=HOURLY;INTERVAL=7;BYMINUTE=0,30',
        'DTSTART;TZID=Europe/Berlin:19750301T020000\nRRULE:FREQ=MINUTELY;INTERVAL=13;BYHOUR=2,3',
        'DTSTART;TZID=Australia/Lord_Howe:19750301T023000\nRRULE:FREQ=DAILY;INTERVAL=3;BYDAY=MO,WE',
        'DTSTART;TZID=America/Santiago:19750301T000000\nRRULE:FREQ=WEEKLY;INTERVAL=5;BYDAY=TU,SU;BYHOUR=0,23',
        'DTSTART;TZID=Pacific/Chatham:19750301T024500\nRRULE:FREQ=MONTHLY;INTERVAL=7;BYDAY=-1FR',
        'DTSTART:19000101T000000Z\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU;BYHOUR=2',
      ])(
        'answers %s within 3,000 steps (~0.2 ms), where a replay from DTSTART takes hundreds of thousands',
        (text) => {
          withStepBudget(3_000, () => {
            const compiled = compileSchedule(rrule(text), DEFAULTS);
            const [next] = compiled.nextFireTimes(NOW, 5);
            const previous = compiled.previousFireTime(NOW);
            expect(next.getTime()).toBeGreaterThan(NOW.getTime());
            expect(previous?.getTime()).toBeLessThanOrEqual(NOW.getTime());
            expect(compiled.nextFireTimes(previous as Date, 1)).toEqual([next]);
          });
        },
      );
    });
  });
});

const weekdays = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
const list = (values: number[]) => [...new Set(values)].join(',');
const randomRule = fc
  .record({
    freq: fc.constantFrom('MONTHLY', 'DAILY', 'HOURLY', 'MINUTELY', 'YEARLY'),
    interval: fc.constantFrom(1, 2, 3, 4, 6, 7, 8, 12, 14, 24, 48, 90, 168),
    bymonth: fc.option(
      fc.uniqueArray(fc.integer({ min: 1, max: 12 }), {
        minLength: 1,
        maxLength: 2,
      }),
    ),
    bymonthday: fc.option(
      fc.uniqueArray(fc.integer({ min: 28, max: 31 }), {
        minLength: 1,
        maxLength: 2,
      }),
    ),
    byday: fc.option(
      fc.uniqueArray(fc.integer({ min: 0, max: 6 }), {
        minLength: 1,
        maxLength: 2,
      }),
    ),
    byhour: fc.option(
      fc.uniqueArray(fc.integer({ min: 0, max: 23 }), {
        minLength: 1,
        maxLength: 3,
      }),
    ),
    byminute: fc.option(
      fc.uniqueArray(fc.integer({ min: 0, max: 59 }), {
        minLength: 1,
        maxLength: 3,
      }),
    ),
    start: fc.integer({
      min: Date.UTC(2024, 0, 1) / 60_000,
      max: Date.UTC(2028, 0, 1) / 60_000,
    }),
  })
  .map((r) => {
    const parts = [`FREQ=${r.freq}`, `INTERVAL=${r.interval}`];
    if (r.bymonth) parts.push(`BYMONTH=${list(r.bymonth)}`);
    if (r.bymonthday) parts.push(`BYMONTHDAY=${list(r.bymonthday)}`);
    if (r.byday)
      parts.push(`BYDAY=${r.byday.map((d) => weekdays[d]).join(',')}`);
    if (r.byhour) parts.push(`BYHOUR=${list(r.byhour)}`);
    if (r.byminute) parts.push(`BYMINUTE=${list(r.byminute)}`);
    const start = new Date(r.start * 60_000)
      .toISOString()
      .replace(/[-:]/g, '')
      .slice(0, 15);
    return `DTSTART:${start}Z\nRRULE:${parts.join(';')}`;
  });

describe(neverFiresReason.name, () => {
  it('is sound: a rule it refuses has no occurrence in the 20 years after DTSTART (exhaustive expansion)', () => {
    let refused = 0;
    fc.assert(
      fc.property(randomRule, (text) => {
        const parsed = parseRRuleText(text);
        if (!parsed.ok) return;
        const rule = normaliseRule(
          parsed.rule.parts,
          parsed.rule.dtstartWall as number,
        );
        if (neverFiresReason(rule, Infinity) === null) return;
        refused++;
        const expander = new RRuleExpander(rule, null, null, END_OF_TIME - 1);
        const horizon = rule.dtstart + 20 * 366 * 86_400_000;
        expect([
          text,
          expander.previousWall(
            horizon,
            new EvaluationBudget('schedule.rrule', 1e9, 1e9),
          ),
        ]).toEqual([text, null]);
      }),
      { numRuns: 300, seed: 1711 },
    );
    expect(refused).toBeGreaterThan(15);
  });
});
