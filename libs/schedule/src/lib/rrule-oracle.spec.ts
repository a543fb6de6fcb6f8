import type { Schedule } from '@flow/contracts';

import oracle from '../fixtures/rrule-oracle.json';
import { describeInProcessZones, iso } from '../testing/process-zones';
import { compileSchedule } from './compile-schedule';

const DEFAULTS = { timezone: 'UTC', anchor: new Date('2026-01-01T00:00:00Z') };

/**
 * Random rules in New York, Berlin, Lord Howe, Santiago and Chatham — DTSTARTs from the 1970s to years ahead, query
 * instants clustered around the DST changes, BYSETPOS, ordinal and negative days, BYYEARDAY, BYWEEKNO, WKST, COUNT,
 * UNTIL (instant and floating) — against `tools/schedule-oracle/rrule_oracle.py`, which computes them with
 * python-dateutil independently of the engine. Each rule is compiled fresh (cold: the engine seeks to the query's
 * period, it never replays from DTSTART), then asked again out of order (warm: its caches must not change answers).
 */
describe('rrule engine against the python-dateutil oracle (tools/schedule-oracle)', () => {
  describeInProcessZones(() => {
    it.each(
      oracle.cases.map(
        (c, index) => [index, c.rrule.replace('\n', ' '), c] as const,
      ),
    )('#%i %s', (_index, _name, c) => {
      const schedule = { type: 'rrule', rrule: c.rrule } as Schedule;
      const after = new Date(c.after);
      const cold = compileSchedule(schedule, DEFAULTS);
      expect(iso(cold.nextFireTimes(after, 5))).toEqual(c.next);
      expect(
        iso([compileSchedule(schedule, DEFAULTS).previousFireTime(after)]),
      ).toEqual([c.previous]);
      for (const fire of [...c.next].reverse())
        expect(iso([cold.previousFireTime(new Date(fire))])).toEqual([fire]);
      expect(iso([cold.previousFireTime(after)])).toEqual([c.previous]);
      expect(iso(cold.nextFireTimes(after, 5))).toEqual(c.next);
    });
  });
});
