import { RRule, type Options } from 'rrule';

import { FireEngine } from './compiled-schedule';
import { joinWords } from './describe';
import { MONTH_NAMES } from './cron-expression';
import type { ParsedRRule } from './rrule-text';
import {
  wallToInstants,
  zoneTimeline,
  type ZoneTimeline,
} from './zone-timeline';

/** rrule.js's resolved options (its `ParsedOptions` type is not exported). */
type ParsedOptions = RRule['options'];

const HOUR_MS = 3_600_000;
/** Any UTC offset lies within ±15 h, so walls in `[lo − 15h, hi + 15h]` cover every instant in `(lo, hi]`. */
const OFFSET_MARGIN = 16 * HOUR_MS;
/** rrule.js stops at year 9999. */
const END_OF_TIME = Date.UTC(9999, 11, 31);
const MAX_CACHED_FIRES = 20_000;
const MAX_CHECKPOINTS = 256;
const FREQ_MS = [
  366 * 24 * HOUR_MS,
  31 * 24 * HOUR_MS,
  7 * 24 * HOUR_MS,
  24 * HOUR_MS,
  HOUR_MS,
  60_000,
];

function upperBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Matching wall times of a rule, computed by rrule.js in floating time (dates whose UTC fields are the wall
 * time, no tzid, so the process zone never matters). rrule.js always iterates from DTSTART, so the generator
 * restarts from a known occurrence (a checkpoint) near the query: the later occurrences are unchanged because
 * an occurrence carries DTSTART's defaulted fields and lies in an INTERVAL-aligned period.
 */
class WallGenerator {
  private readonly checkpoints: number[] = [];
  private readonly rules = new Map<number, RRule>();
  private readonly materialised: number[] | null;

  constructor(
    private readonly options: Partial<Options>,
    private readonly dtstart: number,
  ) {
    this.materialised = options.count
      ? this.ruleFrom(dtstart, options.count)
          .all()
          .map((d) => d.getTime())
      : null;
  }

  /** The last wall time the rule can produce, or null when open-ended. */
  get lastWall(): number | null {
    if (!this.materialised) return null;
    return this.materialised.length > 0
      ? this.materialised[this.materialised.length - 1]
      : this.dtstart;
  }

  private ruleFrom(start: number, count: number | null = null): RRule {
    let rule = this.rules.get(start);
    if (!rule) {
      if (this.rules.size >= MAX_CHECKPOINTS) this.rules.clear();
      rule = new RRule(
        {
          ...this.options,
          dtstart: new Date(start),
          tzid: null,
          until: null,
          count,
        },
        true,
      );
      this.rules.set(start, rule);
    }
    return rule;
  }

  /** Matching walls in `[from, to]`, ascending. */
  walls(from: number, to: number): number[] {
    if (this.materialised) {
      return this.materialised.slice(
        upperBound(this.materialised, from - 1),
        upperBound(this.materialised, to),
      );
    }
    const index = upperBound(this.checkpoints, from) - 1;
    const base = index >= 0 ? this.checkpoints[index] : this.dtstart;
    const found: number[] = [];
    let lastBefore: number | null = null;
    this.ruleFrom(base).all((date) => {
      const wall = date.getTime();
      if (wall > to) return false;
      if (wall >= from) found.push(wall);
      else lastBefore = wall;
      return true;
    });
    if (lastBefore !== null) this.addCheckpoint(lastBefore);
    if (found.length > 0) this.addCheckpoint(found[found.length - 1]);
    return found;
  }

  private addCheckpoint(wall: number): void {
    if (this.checkpoints.length >= MAX_CHECKPOINTS) {
      // Thin out rather than forget, so that a restart point stays near any earlier query.
      const kept = this.checkpoints.filter((_, index) => index % 2 === 0);
      this.checkpoints.splice(0, this.checkpoints.length, ...kept);
    }
    const at = upperBound(this.checkpoints, wall);
    if (this.checkpoints[at - 1] !== wall) this.checkpoints.splice(at, 0, wall);
  }
}

/**
 * An RFC 5545 rule: rrule.js yields wall times, and each is converted to instants in the rule's zone under
 * DESIGN §4 (gap → offset before the gap; repeated time → first occurrence, or both for an HOURLY/MINUTELY
 * rule without BYHOUR, which follows real time). Fires found are kept for a contiguous span around the last
 * query so that repeated questions about "now" are a binary search.
 */
export class RRuleSchedule extends FireEngine {
  readonly kind = 'rrule' as const;
  readonly description: string;
  private readonly timeline: ZoneTimeline;
  private readonly generator: WallGenerator;
  private readonly bothOccurrences: boolean;
  private readonly firstInstant: number;
  private readonly lastInstant: number;
  private readonly baseSpan: number;
  private coveredFrom = 0;
  private coveredTo = -1;
  private fires: number[] = [];

  constructor(
    readonly text: string,
    rule: ParsedRRule,
    readonly timezone: string,
    dtstartWall: number,
  ) {
    super();
    this.timeline = zoneTimeline(timezone);
    const byhour = rule.options.byhour;
    const hasByHour = byhour !== undefined && byhour !== null;
    this.bothOccurrences = rule.freq >= RRule.HOURLY && !hasByHour;
    this.generator = new WallGenerator(rule.options, dtstartWall);
    this.firstInstant = dtstartWall - OFFSET_MARGIN;
    const untilInstant =
      rule.until === null
        ? END_OF_TIME
        : 'instant' in rule.until
          ? rule.until.instant
          : (wallToInstants(this.timeline, rule.until.wall, false)[0] ??
            rule.until.wall);
    const lastWall = this.generator.lastWall;
    this.lastInstant = Math.min(
      untilInstant,
      lastWall === null ? END_OF_TIME : lastWall + OFFSET_MARGIN,
    );
    const parsed = new RRule(
      { ...rule.options, dtstart: new Date(dtstartWall) },
      true,
    ).options;
    const perPeriod =
      Math.max(1, parsed.byhour?.length ?? 1) *
      Math.max(1, parsed.byminute?.length ?? 1) *
      Math.max(1, parsed.byweekday?.length ?? 1);
    this.baseSpan = Math.max(
      HOUR_MS,
      (FREQ_MS[rule.freq] * (parsed.interval || 1) * 64) / perPeriod,
    );
    this.description = describeRRule(parsed, timezone, rule);
  }

  /** Fires in `(lo, hi]`, ascending, de-duplicated. */
  private firesIn(lo: number, hi: number): number[] {
    const instants: number[] = [];
    for (const wall of this.generator.walls(
      lo - OFFSET_MARGIN,
      hi + OFFSET_MARGIN,
    )) {
      for (const instant of wallToInstants(
        this.timeline,
        wall,
        this.bothOccurrences,
      )) {
        if (instant > lo && instant <= hi && instant <= this.lastInstant)
          instants.push(instant);
      }
    }
    instants.sort((a, b) => a - b);
    return instants.filter(
      (instant, index) => index === 0 || instant !== instants[index - 1],
    );
  }

  private cover(instant: number): void {
    if (
      instant < this.coveredFrom ||
      instant > this.coveredTo ||
      this.fires.length > MAX_CACHED_FIRES
    ) {
      this.coveredFrom = instant;
      this.coveredTo = instant;
      this.fires = [];
    }
  }

  protected nextAfter(instant: number): number | null {
    this.cover(instant);
    let span = this.baseSpan;
    for (;;) {
      const index = upperBound(this.fires, instant);
      if (index < this.fires.length) return this.fires[index];
      if (this.coveredTo >= this.lastInstant) return null;
      const to = Math.min(this.coveredTo + span, this.lastInstant);
      const found = this.firesIn(this.coveredTo, to);
      this.fires.push(...found);
      this.coveredTo = to;
      if (found.length === 0) span *= 2;
    }
  }

  protected latestAtOrBefore(instant: number): number | null {
    this.cover(instant);
    let span = this.baseSpan;
    for (;;) {
      const index = upperBound(this.fires, instant) - 1;
      if (index >= 0) return this.fires[index];
      if (this.coveredFrom <= this.firstInstant) return null;
      const from = Math.max(this.coveredFrom - span, this.firstInstant);
      const found = this.firesIn(from, this.coveredFrom);
      this.fires = [...found, ...this.fires];
      this.coveredFrom = from;
      if (found.length === 0) span *= 2;
    }
  }
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

const RULE_WEEKDAYS = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
];
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

/** rrule.js leaves some parsed lists null at run time although its types say arrays. */
function list(values: readonly number[] | null | undefined): readonly number[] {
  return values ?? [];
}

/** Human text for the common rule shapes; anything else falls back to rrule.js's own text, which is faithful. */
function describeRRule(
  options: ParsedOptions,
  zone: string,
  rule: ParsedRRule,
): string {
  const interval = options.interval || 1;
  const byhour = list(options.byhour);
  const byminute = list(options.byminute);
  const bymonth = list(options.bymonth);
  const bymonthday = list(options.bymonthday);
  const weekdays = list(options.byweekday).map((day) => RULE_WEEKDAYS[day]);
  const nth = options.bynweekday ?? [];
  const simple =
    list(options.bysetpos).length === 0 &&
    list(options.byyearday).length === 0 &&
    list(options.byweekno).length === 0 &&
    list(options.bynmonthday).length === 0 &&
    list(options.bysecond).every((second) => second === 0);
  const limit = options.count
    ? `, ${options.count} times`
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
  else if (options.freq === RRule.MINUTELY && byhour.length === 0)
    text = every(interval, 'minute');
  else if (
    options.freq === RRule.HOURLY &&
    byminute.length === 1 &&
    byhour.length === 0 &&
    nth.length === 0
  ) {
    text = `${every(interval, 'hour')} at minute ${byminute[0]}`;
  } else if (
    at &&
    options.freq === RRule.DAILY &&
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
    options.freq === RRule.WEEKLY &&
    bymonthday.length === 0 &&
    bymonth.length === 0 &&
    nth.length === 0
  ) {
    text = `${at} on ${joinWords(weekdays)}${interval === 1 ? '' : `, ${every(interval, 'week')}`}`;
  } else if (at && options.freq === RRule.MONTHLY && bymonth.length === 0) {
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
    options.freq === RRule.YEARLY &&
    bymonth.length === 1 &&
    bymonthday.length === 1 &&
    weekdays.length === 0 &&
    nth.length === 0
  ) {
    const yearly = interval === 1 ? '' : `, ${every(interval, 'year')}`;
    text = `${at} on ${MONTH_NAMES[bymonth[0] - 1]} ${bymonthday[0]}${yearly}`;
  }
  return `${text ?? new RRule(options, true).toText()}${limit} (${zone})`;
}
