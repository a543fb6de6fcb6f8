import type { Schedule } from '@flow/contracts';

import { CompiledSchedule, ScheduleDefaults } from './compiled-schedule';
import { compileSchedule } from './compile-schedule';
import { parseFixedDuration, parseInstant } from './iso-time';

/** Distinct schedules kept compiled; pipelines share few, so this bounds memory, not hit rate. */
export const SCHEDULE_CACHE_SIZE = 2_000;

const cache = new Map<string, CompiledSchedule>();

function rruleUsesTenantZone(text: string): boolean {
  const dtstart = /^\s*DTSTART[^\n]*$/im.exec(text)?.[0].trim() ?? '';
  return dtstart === '' || (!/;TZID=/i.test(dtstart) && !/Z$/i.test(dtstart));
}

/**
 * A stable key for the fire-time sequence of `schedule` under `defaults`: pipelines with equal keys fire at
 * exactly the same instants, so the tick can compute each key's fires once. Only the defaults that matter
 * are included (the tenant zone for a cron without `timezone`; the anchor for an interval without `anchor`
 * or an rrule without DTSTART). The misfire, maxCatchup and overlap policies are not part of the key:
 * apply them per pipeline.
 */
export function scheduleKey(
  schedule: Schedule,
  defaults: ScheduleDefaults,
): string {
  switch (schedule.type) {
    case 'cron':
      return `cron|${schedule.expression.trim().replace(/\s+/g, ' ')}|${schedule.timezone ?? defaults.timezone}`;
    case 'interval': {
      const every = parseFixedDuration(schedule.every);
      const anchor =
        schedule.anchor === undefined
          ? defaults.anchor.getTime()
          : parseInstant(schedule.anchor);
      return `interval|${every.ok ? every.ms : schedule.every}|${anchor ?? schedule.anchor}`;
    }
    case 'rrule': {
      const text = schedule.rrule.trim().replace(/\r\n/g, '\n');
      const zone = rruleUsesTenantZone(text) ? defaults.timezone : '';
      const anchor = /^\s*DTSTART/im.test(text)
        ? ''
        : Math.ceil(defaults.anchor.getTime() / 60_000) * 60_000;
      return `rrule|${text}|${zone}|${anchor}`;
    }
    default:
      return `invalid|${JSON.stringify(schedule)}`;
  }
}

/**
 * The compiled form of `schedule` from a bounded LRU cache keyed by `scheduleKey`; compiles on a miss.
 * Throws `ScheduleError` for an invalid schedule (failures are not cached).
 */
export function getCompiledSchedule(
  schedule: Schedule,
  defaults: ScheduleDefaults,
): CompiledSchedule {
  const key = scheduleKey(schedule, defaults);
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const compiled = compileSchedule(schedule, defaults);
  if (cache.size >= SCHEDULE_CACHE_SIZE) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(key, compiled);
  return compiled;
}

/** The next `n` fires strictly after `after` (cached compile). */
export function nextFireTimes(
  schedule: Schedule,
  after: Date,
  n: number,
  defaults: ScheduleDefaults,
): Date[] {
  return getCompiledSchedule(schedule, defaults).nextFireTimes(after, n);
}

/** The latest fire at or before `atOrBefore`, agreeing with `nextFireTimes` (cached compile). */
export function previousFireTime(
  schedule: Schedule,
  atOrBefore: Date,
  defaults: ScheduleDefaults,
): Date | null {
  return getCompiledSchedule(schedule, defaults).previousFireTime(atOrBefore);
}

/**
 * DESIGN §8's `expectedAt`: the latest fire at or before `now` that is not before the schedule began
 * (`defaults.anchor`); null when there is none yet.
 */
export function expectedFireTime(
  schedule: Schedule,
  now: Date,
  defaults: ScheduleDefaults,
): Date | null {
  const previous = previousFireTime(schedule, now, defaults);
  return previous !== null && previous.getTime() >= defaults.anchor.getTime()
    ? previous
    : null;
}

/** Human text for the schedule, e.g. `at 09:00 on Monday and Thursday (Europe/Berlin)` (cached compile). */
export function describe(
  schedule: Schedule,
  defaults: ScheduleDefaults,
): string {
  return getCompiledSchedule(schedule, defaults).description;
}

/** Empties the compiled-schedule cache (tests, or after a tz-database update). */
export function clearScheduleCache(): void {
  cache.clear();
}
