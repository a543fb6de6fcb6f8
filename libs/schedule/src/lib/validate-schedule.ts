import type { FieldError } from '@flow/contracts';

import { parseCron } from './cron-expression';
import { parseFixedDuration, parseInstant } from './iso-time';
import { monthDaysNeverMeetReason, neverFiresReason } from './rrule-analysis';
import { normaliseRule } from './rrule-expander';
import { parseRRuleText, type ParsedRRule } from './rrule-text';
import { isValidTimeZone } from './zone-timeline';

const COMMON_FIELDS = ['type', 'misfire', 'maxCatchup', 'overlap'];
const KIND_FIELDS: Record<string, string[]> = {
  cron: ['expression', 'timezone'],
  interval: ['every', 'anchor'],
  rrule: ['rrule'],
};
const MISFIRE = ['coalesce', 'skip', 'catchup'];
const OVERLAP = ['skip', 'allow'];

function requiredString(
  value: unknown,
  path: string,
  errors: FieldError[],
): value is string {
  if (value === undefined) errors.push({ path, message: 'is required' });
  else if (typeof value !== 'string')
    errors.push({ path, message: 'must be a string' });
  else if (value.trim() === '')
    errors.push({ path, message: 'must not be empty' });
  else return true;
  return false;
}

/** The message for a timezone that is not an IANA zone, shared with compile-time checks. */
export function timeZoneProblem(zone: unknown): string | null {
  if (typeof zone !== 'string') return 'must be a string';
  return isValidTimeZone(zone)
    ? null
    : `unknown time zone '${zone}' (use an IANA name such as Europe/Berlin)`;
}

/**
 * Structural and semantic validation of a schedule document (DESIGN §4). Returns one error per problem,
 * each naming its JSON path under `path` (e.g. `ir.schedule.expression: minute 61 is out of range 0-59`);
 * an empty array means the schedule is valid. Unknown fields are errors.
 */
export function validateSchedule(input: unknown, path: string): FieldError[] {
  return checkSchedule(input, path, true);
}

/**
 * `validateSchedule`, optionally without the never-fires analysis of an rrule: `compileSchedule` runs that analysis
 * itself, on the rule with its real start, and need not run it twice.
 */
export function checkSchedule(
  input: unknown,
  path: string,
  analyseRRule: boolean,
): FieldError[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return [{ path, message: 'must be an object' }];
  }
  const schedule = input as Record<string, unknown>;
  const type = schedule['type'];
  if (type === undefined)
    return [
      {
        path: `${path}.type`,
        message: 'is required (cron, interval or rrule)',
      },
    ];
  if (typeof type !== 'string' || !Object.hasOwn(KIND_FIELDS, type)) {
    return [
      { path: `${path}.type`, message: 'must be cron, interval or rrule' },
    ];
  }
  const errors: FieldError[] = [];
  const allowed = new Set([...COMMON_FIELDS, ...KIND_FIELDS[type]]);
  for (const key of Object.keys(schedule)) {
    if (!allowed.has(key))
      errors.push({ path: `${path}.${key}`, message: 'unknown field' });
  }
  if (type === 'cron') validateCron(schedule, path, errors);
  else if (type === 'interval') validateInterval(schedule, path, errors);
  else validateRRule(schedule, path, errors, analyseRRule);
  validatePolicies(schedule, path, errors);
  return errors;
}

function validateCron(
  schedule: Record<string, unknown>,
  path: string,
  errors: FieldError[],
): void {
  const expression = schedule['expression'];
  if (requiredString(expression, `${path}.expression`, errors)) {
    const parsed = parseCron(expression);
    if (!parsed.ok)
      errors.push(
        ...parsed.errors.map((message) => ({
          path: `${path}.expression`,
          message,
        })),
      );
  }
  const timezone = schedule['timezone'];
  const problem = timezone === undefined ? null : timeZoneProblem(timezone);
  if (problem) errors.push({ path: `${path}.timezone`, message: problem });
}

function validateInterval(
  schedule: Record<string, unknown>,
  path: string,
  errors: FieldError[],
): void {
  const every = schedule['every'];
  if (requiredString(every, `${path}.every`, errors)) {
    const parsed = parseFixedDuration(every);
    if (!parsed.ok)
      errors.push({ path: `${path}.every`, message: parsed.error });
  }
  const anchor = schedule['anchor'];
  if (anchor !== undefined) {
    if (typeof anchor !== 'string' || parseInstant(anchor) === null) {
      errors.push({
        path: `${path}.anchor`,
        message:
          'must be an ISO-8601 instant with Z or an offset, e.g. 2026-01-01T00:00:00Z',
      });
    }
  }
}

function validateRRule(
  schedule: Record<string, unknown>,
  path: string,
  errors: FieldError[],
  analyse: boolean,
): void {
  const rrule = schedule['rrule'];
  if (requiredString(rrule, `${path}.rrule`, errors)) {
    const parsed = parseRRuleText(rrule);
    if (!parsed.ok)
      errors.push(
        ...parsed.errors.map((message) => ({ path: `${path}.rrule`, message })),
      );
    else if (analyse) {
      const never = rruleNeverFiresReason(parsed.rule);
      if (never) errors.push({ path: `${path}.rrule`, message: never });
    }
  }
}

function validatePolicies(
  schedule: Record<string, unknown>,
  path: string,
  errors: FieldError[],
): void {
  const misfire = schedule['misfire'];
  if (misfire !== undefined && !MISFIRE.includes(misfire as string)) {
    errors.push({
      path: `${path}.misfire`,
      message: 'must be coalesce, skip or catchup',
    });
  }
  const maxCatchup = schedule['maxCatchup'];
  if (
    maxCatchup !== undefined &&
    (typeof maxCatchup !== 'number' ||
      !Number.isInteger(maxCatchup) ||
      maxCatchup < 1 ||
      maxCatchup > 100)
  ) {
    errors.push({
      path: `${path}.maxCatchup`,
      message: 'must be a whole number from 1 to 100',
    });
  }
  const overlap = schedule['overlap'];
  if (overlap !== undefined && !OVERLAP.includes(overlap as string)) {
    errors.push({ path: `${path}.overlap`, message: 'must be skip or allow' });
  }
}

/**
 * Why a parsed rule can never fire. With DTSTART the whole analysis runs (`neverFiresReason`); without it the start is
 * the pipeline's creation, unknown here, so only what holds for any start is checked (the write compiles the rule
 * with its start and checks the rest).
 */
function rruleNeverFiresReason(rule: ParsedRRule): string | null {
  if (rule.dtstartWall === null)
    return monthDaysNeverMeetReason(rule.parts.bymonth, rule.parts.bymonthday);
  const until = rule.until;
  const stopWall =
    until === null
      ? Infinity
      : 'wall' in until
        ? until.wall
        : until.instant + 16 * 3_600_000;
  return neverFiresReason(
    normaliseRule(rule.parts, rule.dtstartWall),
    stopWall,
  );
}
