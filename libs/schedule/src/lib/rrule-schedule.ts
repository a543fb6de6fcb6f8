import { RRule } from 'rrule';

import { END_OF_TIME } from './compiled-schedule';
import { joinWords } from './describe';
import type { EvaluationBudget } from './evaluation-budget';
import { MONTH_NAMES } from './cron-expression';
import { neverFiresReason } from './rrule-analysis';
import {
  normaliseRule,
  RRuleExpander,
  type NormalisedRule,
} from './rrule-expander';
import {
  DAILY,
  HOURLY,
  MINUTELY,
  MONTHLY,
  RULE_WEEKDAY_NAMES,
  WEEKLY,
  YEARLY,
  type ParsedRRule,
} from './rrule-text';
import { ScheduleError } from './schedule-error';
import { WallTimeEngine } from './wall-time-engine';
import { zoneTimeline, type ZoneTimeline } from './zone-timeline';

/** Any UTC offset lies within −12 h … +14 h: a fire's wall time is within 16 h of its instant. */
const OFFSET_MARGIN = 16 * 3_600_000;

/**
 * An RFC 5545 rule: `RRuleExpander` yields its occurrences as wall times (seeking straight to the period of a
 * query, never replaying from DTSTART), and the segment walk of `WallTimeEngine` turns them into instants in the
 * rule's zone under DESIGN §4 (gap → offset before the gap; repeated time → first occurrence, or both for an
 * HOURLY/MINUTELY rule without BYHOUR, which follows real time). A rule that can never fire is refused here, with
 * the reason (`neverFiresReason`), so it is never expanded.
 */
export class RRuleSchedule extends WallTimeEngine {
  readonly kind = 'rrule' as const;
  readonly description: string;
  protected readonly sourceField = 'schedule.rrule';
  protected readonly timeline: ZoneTimeline;
  protected readonly followsRealTime: boolean;
  private readonly expander: RRuleExpander;
  private readonly untilInstant: number;

  constructor(
    readonly text: string,
    rule: ParsedRRule,
    readonly timezone: string,
    dtstartWall: number,
  ) {
    super();
    const { parts, until } = rule;
    this.timeline = zoneTimeline(timezone);
    this.followsRealTime = parts.freq >= HOURLY && parts.byhour === null;
    const untilWall = until !== null && 'wall' in until ? until.wall : null;
    this.untilInstant =
      until !== null && 'instant' in until ? until.instant : END_OF_TIME;
    const stopWall = Math.min(
      END_OF_TIME - 1,
      untilWall ?? Infinity,
      this.untilInstant + OFFSET_MARGIN,
    );
    const normalised = normaliseRule(parts, dtstartWall);
    const never = neverFiresReason(normalised, stopWall);
    if (never)
      throw new ScheduleError(`schedule.rrule: ${never}`, [
        { path: 'schedule.rrule', message: never },
      ]);
    this.expander = new RRuleExpander(
      normalised,
      parts.count,
      untilWall,
      stopWall,
    );
    this.description = describeRRule(normalised, timezone, rule);
  }

  protected nextWall(
    wall: number,
    budget: EvaluationBudget,
    until: number,
  ): number | null {
    return this.expander.nextWall(wall, budget, until);
  }

  protected previousWall(
    wall: number,
    budget: EvaluationBudget,
  ): number | null {
    return this.expander.previousWall(wall, budget);
  }

  protected override nextAfter(
    instant: number,
    limit: number,
    budget: EvaluationBudget,
  ): number | null {
    return super.nextAfter(instant, Math.min(limit, this.untilInstant), budget);
  }

  protected override latestAtOrBefore(
    instant: number,
    budget: EvaluationBudget,
  ): number | null {
    return super.latestAtOrBefore(Math.min(instant, this.untilInstant), budget);
  }

  protected override hasEndedBy(
    instant: number,
    budget: EvaluationBudget,
  ): boolean {
    return (
      this.untilInstant <= instant ||
      this.expander.endsBy(instant - OFFSET_MARGIN, budget)
    );
  }
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

const RULE_WEEKDAYS = RULE_WEEKDAY_NAMES;
const ORDINALS: Record<number, string> = {
  1: 'first',
  2: 'second',
  3: 'third',
  4: 'fourth',
  [-1]: 'last',
  [-2]: 'second-to-last',
};

function every(interval: number, unit: string): string {
  return interval === 1 ? `every ${unit}` : `every ${interval} ${unit}s`;
}

/** Human text for the common rule shapes; anything else falls back to rrule.js's own text, which is faithful. */
function describeRRule(
  options: NormalisedRule,
  zone: string,
  rule: ParsedRRule,
): string {
  const { interval } = options;
  const byhour = options.hours ?? [];
  const byminute = options.minutes ?? [];
  const bymonth = options.months ?? [];
  const bymonthday = (options.monthDays ?? []).filter((day) => day > 0);
  const weekdays = (options.weekdays ?? []).map((day) => RULE_WEEKDAYS[day]);
  const nth = (options.nthWeekdays ?? []).map(
    (item) => [item.weekday, item.n] as const,
  );
  const simple =
    options.setPositions === null &&
    options.yearDays === null &&
    options.weekNumbers === null &&
    (options.monthDays ?? []).every((day) => day > 0) &&
    options.seconds.every((second) => second === 0);
  const limit = rule.parts.count
    ? `, ${rule.parts.count} times`
    : rule.until
      ? ', until a fixed end'
      : '';
  const times =
    byminute.length === 1
      ? byhour.map((hour) => `${pad(hour)}:${pad(byminute[0])}`)
      : [];
  const at =
    times.length > 0 && times.length <= 6 ? `at ${joinWords(times)}` : null;
  let text: string | null = null;
  if (!simple) text = null;
  else if (options.freq === MINUTELY && byhour.length === 0)
    text = every(interval, 'minute');
  else if (
    options.freq === HOURLY &&
    byminute.length === 1 &&
    byhour.length === 0 &&
    nth.length === 0
  ) {
    text = `${every(interval, 'hour')} at minute ${byminute[0]}`;
  } else if (
    at &&
    options.freq === DAILY &&
    bymonthday.length === 0 &&
    bymonth.length === 0 &&
    nth.length === 0
  ) {
    text =
      weekdays.length > 0 && interval === 1
        ? `${at} on ${joinWords(weekdays)}`
        : `${at} ${every(interval, 'day')}`;
  } else if (
    at &&
    options.freq === WEEKLY &&
    bymonthday.length === 0 &&
    bymonth.length === 0 &&
    nth.length === 0
  ) {
    text = `${at} on ${joinWords(weekdays)}${interval === 1 ? '' : `, ${every(interval, 'week')}`}`;
  } else if (at && options.freq === MONTHLY && bymonth.length === 0) {
    const days =
      nth.length > 0 && weekdays.length === 0 && bymonthday.length === 0
        ? joinWords(
            nth.map(
              ([day, n]) =>
                `the ${ORDINALS[n] ?? `${n}th`} ${RULE_WEEKDAYS[day]}`,
            ),
          )
        : bymonthday.length > 0 && weekdays.length === 0 && nth.length === 0
          ? `day ${joinWords(bymonthday.map(String))}`
          : null;
    if (days)
      text = `${at} on ${days} of ${interval === 1 ? 'every month' : `every ${interval} months`}`;
  } else if (
    at &&
    options.freq === YEARLY &&
    bymonth.length === 1 &&
    bymonthday.length === 1 &&
    weekdays.length === 0 &&
    nth.length === 0
  ) {
    const yearly = interval === 1 ? '' : `, ${every(interval, 'year')}`;
    text = `${at} on ${MONTH_NAMES[bymonth[0] - 1]} ${bymonthday[0]}${yearly}`;
  }
  return `${text ?? rruleJsText(rule.body, options.dtstart)}${limit} (${zone})`;
}

/** rrule.js's English text (it formats the rule; nothing is expanded). COUNT is said by the caller. */
function rruleJsText(body: string, dtstart: number): string {
  const options = RRule.parseString(body);
  return new RRule(
    { ...options, count: null, dtstart: new Date(dtstart) },
    true,
  ).toText();
}
