import type { Schedule } from '@flow/contracts';

import { describeInProcessZones, iso } from '../testing/process-zones';
import {
  describe as describeSchedule,
  expectedFireTime,
  getCompiledSchedule,
  nextFireTimes,
  previousFireTime,
  scheduleKey,
} from './schedule-cache';

const BERLIN = {
  timezone: 'Europe/Berlin',
  anchor: new Date('2026-01-01T00:00:00Z'),
};
const TOKYO = {
  timezone: 'Asia/Tokyo',
  anchor: new Date('2026-06-01T00:00:00Z'),
};

describe(scheduleKey.name, () => {
  describeInProcessZones(() => {
    it('ignores policies, whitespace and defaults that do not matter', () => {
      const cron: Schedule = {
        type: 'cron',
        expression: '0 9 * * *',
        timezone: 'UTC',
      };
      expect(
        scheduleKey(
          { ...cron, misfire: 'catchup', expression: ' 0  9 * * * ' },
          BERLIN,
        ),
      ).toBe(scheduleKey(cron, TOKYO));
      expect(
        scheduleKey(
          {
            type: 'interval',
            every: 'PT60M',
            anchor: '2026-01-01T01:00:00+01:00',
          },
          BERLIN,
        ),
      ).toBe(
        scheduleKey(
          { type: 'interval', every: 'PT1H', anchor: '2026-01-01T00:00:00Z' },
          TOKYO,
        ),
      );
      const tzRule: Schedule = {
        type: 'rrule',
        rrule: 'DTSTART;TZID=Europe/Berlin:20260105T090000\nRRULE:FREQ=DAILY',
      };
      expect(scheduleKey(tzRule, BERLIN)).toBe(scheduleKey(tzRule, TOKYO));
    });

    it('separates schedules whose fires differ', () => {
      expect(
        scheduleKey({ type: 'cron', expression: '0 9 * * *' }, BERLIN),
      ).not.toBe(scheduleKey({ type: 'cron', expression: '0 9 * * *' }, TOKYO));
      expect(scheduleKey({ type: 'interval', every: 'PT1H' }, BERLIN)).not.toBe(
        scheduleKey({ type: 'interval', every: 'PT1H' }, TOKYO),
      );
      const floating: Schedule = {
        type: 'rrule',
        rrule: 'DTSTART:20260105T090000\nRRULE:FREQ=DAILY',
      };
      expect(scheduleKey(floating, BERLIN)).not.toBe(
        scheduleKey(floating, TOKYO),
      );
    });
  });
});

describe(getCompiledSchedule.name, () => {
  describeInProcessZones(() => {
    const schedule: Schedule = {
      type: 'cron',
      expression: '0 9 * * 1,4',
      timezone: 'Europe/Berlin',
    };

    it('returns the same compiled schedule for equal keys', () => {
      expect(getCompiledSchedule(schedule, BERLIN)).toBe(
        getCompiledSchedule({ ...schedule, overlap: 'allow' }, TOKYO),
      );
    });

    it('answers through the cache', () => {
      expect(
        iso(
          nextFireTimes(schedule, new Date('2027-01-01T00:00:00Z'), 2, BERLIN),
        ),
      ).toEqual(['2027-01-04T08:00:00Z', '2027-01-07T08:00:00Z']);
      expect(
        iso([
          previousFireTime(schedule, new Date('2027-01-06T00:00:00Z'), BERLIN),
        ]),
      ).toEqual(['2027-01-04T08:00:00Z']);
      expect(describeSchedule(schedule, BERLIN)).toBe(
        'at 09:00 on Monday and Thursday (Europe/Berlin)',
      );
    });

    it('gives no expected fire before the schedule began', () => {
      const began = {
        timezone: 'UTC',
        anchor: new Date('2027-01-05T00:00:00Z'),
      };
      expect(
        expectedFireTime(schedule, new Date('2027-01-06T00:00:00Z'), began),
      ).toBeNull();
      expect(
        iso([
          expectedFireTime(schedule, new Date('2027-01-08T00:00:00Z'), began),
        ]),
      ).toEqual(['2027-01-07T08:00:00Z']);
    });

    it('throws for an invalid schedule', () => {
      expect(() =>
        getCompiledSchedule({ type: 'cron', expression: 'nope' }, BERLIN),
      ).toThrow('expected 5 fields');
    });
  });
});
