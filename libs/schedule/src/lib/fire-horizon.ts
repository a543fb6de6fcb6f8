import type { FieldError, Schedule } from '@flow/contracts';

import type { CompiledSchedule, ScheduleDefaults } from './compiled-schedule';
import { ScheduleBudgetError } from './evaluation-budget';
import { ScheduleError } from './schedule-error';
import { compileSchedule } from './compile-schedule';

/** A schedule must fire within this many years of being written (DESIGN §17). */
export const FIRE_HORIZON_YEARS = 10;
/** Past the horizon the next fire is still looked for this far, to name it in the message (the Gregorian cycle). */
const SEARCH_YEARS = 400;

function yearsAfter(instant: Date, years: number): Date {
  const date = new Date(instant.getTime());
  date.setUTCFullYear(date.getUTCFullYear() + years);
  return date;
}

/** The message for a schedule without a fire within the horizon: names the next one if found within 400 years. */
function beyondHorizon(
  compiled: CompiledSchedule,
  horizon: Date,
  now: Date,
): string {
  try {
    const { next } = compiled.nextFireWithin(
      horizon,
      yearsAfter(now, SEARCH_YEARS),
    );
    if (next)
      return `next fires at ${next.toISOString()}, more than ${FIRE_HORIZON_YEARS} years away`;
  } catch (error) {
    if (!(error instanceof ScheduleBudgetError)) throw error;
  }
  return `does not fire within the next ${FIRE_HORIZON_YEARS} years`;
}

/** The field a problem with when a schedule fires belongs to. */
function sourceField(schedule: Schedule, path: string): string {
  switch (schedule.type) {
    case 'cron':
      return `${path}.expression`;
    case 'interval':
      return `${path}.${schedule.anchor === undefined ? 'every' : 'anchor'}`;
    default:
      return `${path}.rrule`;
  }
}

/**
 * The write-time check of when a structurally valid schedule fires, at `now` (DESIGN §17): a schedule that can never
 * fire, or whose next fire is more than 10 years away, is a problem naming its field and saying why — an rrule that
 * never fires is refused by reasoning (`neverFiresReason`); otherwise a bounded question (`nextFireWithin`, under the
 * evaluation budget) looks for the next fire within 10 years, and past them (to name it in the message) within 400.
 * A schedule that has ended (UNTIL or COUNT reached) after firing is valid: it simply has no next fire. Errors are
 * under `path` (e.g. `ir.schedule.rrule`).
 */
export function fireHorizonProblems(
  schedule: Schedule,
  defaults: ScheduleDefaults,
  now: Date,
  path: string,
): FieldError[] {
  try {
    // A compile of its own: a question that exhausts the budget here must not mark the shared cached engine.
    const compiled = compileSchedule(schedule, defaults);
    const horizon = yearsAfter(now, FIRE_HORIZON_YEARS);
    const { next, ended } = compiled.nextFireWithin(now, horizon);
    if (next !== null) return [];
    // Ended after firing: a finished schedule. Ended without ever firing: UNTIL or COUNT cut it off first.
    if (ended && compiled.previousFireTime(now) !== null) return [];
    return [
      {
        path: sourceField(schedule, path),
        message: ended
          ? 'never fires: the rule ends (UNTIL or COUNT) before its first occurrence'
          : beyondHorizon(compiled, horizon, now),
      },
    ];
  } catch (error) {
    if (!(error instanceof ScheduleError)) throw error;
    return error.errors.map((problem) => ({
      path: problem.path.replace(/^schedule\b/, path),
      message: problem.message,
    }));
  }
}
