import type { Schedule } from '@flow/contracts';

import fixtures from '../fixtures/rrules.json';
import { describeInProcessZones, iso } from '../testing/process-zones';
import { compileSchedule } from './compile-schedule';

const DEFAULTS = { timezone: 'UTC', anchor: new Date('2026-01-01T00:00:00Z') };

/**
 * 300 random RFC 5545 rules in DST-heavy zones (BYSETPOS, -1FR, BYMONTHDAY=-1, HOURLY, instants clustered around DST
 * changes) with their next 5 fires computed by python-dateutil under DESIGN §4 — an oracle independent of the engine.
 */
describe('rrule fixtures (python-dateutil, DESIGN §4)', () => {
  describeInProcessZones(() => {
    it.each(
      fixtures.cases.map(
        (c, index) => [index, c.rrule.replace('\n', ' '), c] as const,
      ),
    )('#%i %s', (_index, _name, c) => {
      const compiled = compileSchedule(
        { type: 'rrule', rrule: c.rrule } as Schedule,
        DEFAULTS,
      );
      expect(
        iso(compiled.nextFireTimes(new Date(c.after), c.next.length)),
      ).toEqual(c.next);
      for (const fire of c.next)
        expect(iso([compiled.previousFireTime(new Date(fire))])).toEqual([
          fire,
        ]);
      expect(
        compiled.previousFireTime(new Date(c.next[0]))?.getTime(),
      ).toBeGreaterThan(new Date(c.after).getTime() - 1);
    });
  });
});
