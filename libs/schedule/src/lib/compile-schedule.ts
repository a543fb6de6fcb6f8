import type { Schedule } from '@flow/contracts';

import {
  CompiledSchedule,
  ScheduleDefaults,
  ScheduleError,
} from './compiled-schedule';
import { parseCron } from './cron-expression';
import { CronSchedule } from './cron-schedule';
import { IntervalSchedule } from './interval-schedule';
import { parseFixedDuration, parseInstant } from './iso-time';
import { parseRRuleText } from './rrule-text';
import { RRuleSchedule } from './rrule-schedule';
import { checkSchedule, timeZoneProblem } from './validate-schedule';
import { zoneTimeline } from './zone-timeline';

function fail(errors: { path: string; message: string }[]): never {
  throw new ScheduleError(
    errors.map((error) => `${error.path}: ${error.message}`).join('; '),
    errors,
  );
}

/**
 * Parses and checks `schedule` once and returns its fire-time engine. Throws `ScheduleError` (with the
 * field errors of `validateSchedule`, paths under `schedule`) when the schedule or the defaults are invalid.
 */
export function compileSchedule(
  schedule: Schedule,
  defaults: ScheduleDefaults,
): CompiledSchedule {
  const errors = checkSchedule(schedule, 'schedule', false);
  const zoneProblem = timeZoneProblem(defaults.timezone);
  if (zoneProblem)
    errors.push({ path: 'defaults.timezone', message: zoneProblem });
  if (
    !(defaults.anchor instanceof Date) ||
    Number.isNaN(defaults.anchor.getTime())
  ) {
    errors.push({ path: 'defaults.anchor', message: 'must be a valid Date' });
  }
  if (errors.length > 0) fail(errors);
  switch (schedule.type) {
    case 'cron': {
      const parsed = parseCron(schedule.expression);
      if (!parsed.ok)
        return fail([
          { path: 'schedule.expression', message: parsed.errors.join('; ') },
        ]);
      return new CronSchedule(
        schedule.expression.trim(),
        parsed.fields,
        schedule.timezone ?? defaults.timezone,
      );
    }
    case 'interval': {
      const every = parseFixedDuration(schedule.every);
      const anchor =
        schedule.anchor === undefined
          ? defaults.anchor.getTime()
          : parseInstant(schedule.anchor);
      if (!every.ok || anchor === null)
        return fail([{ path: 'schedule', message: 'invalid interval' }]);
      return new IntervalSchedule(schedule.every, every.ms, anchor);
    }
    case 'rrule': {
      const parsed = parseRRuleText(schedule.rrule);
      if (!parsed.ok)
        return fail([
          { path: 'schedule.rrule', message: parsed.errors.join('; ') },
        ]);
      const zone = parsed.rule.zone ?? defaults.timezone;
      let dtstartWall = parsed.rule.dtstartWall;
      if (dtstartWall === null) {
        // No DTSTART: the rule starts when the schedule began (rounded up to the minute, so that defaulted
        // seconds are 0), read as a wall time in the tenant's zone.
        const anchor = Math.ceil(defaults.anchor.getTime() / 60_000) * 60_000;
        dtstartWall = anchor + zoneTimeline(zone).offsetAt(anchor);
      }
      return new RRuleSchedule(
        schedule.rrule.trim(),
        parsed.rule,
        zone,
        dtstartWall,
      );
    }
  }
}
