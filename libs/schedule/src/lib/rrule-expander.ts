import {
  civilDate,
  DAY_MS,
  dayNumber,
  floorDiv,
  mod,
  monthLength,
  weekday,
  yearLength,
} from './calendar';
import { END_OF_TIME } from './compiled-schedule';
import { STEP_COST, type EvaluationBudget } from './evaluation-budget';
import {
  DAILY,
  HOURLY,
  MINUTELY,
  MONTHLY,
  WEEKLY,
  YEARLY,
  type ByDay,
  type RuleParts,
} from './rrule-text';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const EMPTY: readonly number[] = [];
/** Expanded blocks kept per rule: the tick and the status page ask about the same few periods again and again. */
const CACHED_BLOCKS = 32;

/**
 * A rule with DTSTART's defaults applied, as RFC 5545 §3.3.10 reads them (and python-dateutil and rrule.js with it):
 * a YEARLY rule without any BYxxx day part fires on DTSTART's month and day, a MONTHLY one on DTSTART's day, a WEEKLY
 * one on DTSTART's weekday; BYHOUR, BYMINUTE and BYSECOND default to DTSTART's when coarser than the frequency.
 * Lists are sorted and unique; null means the part does not restrict.
 */
export interface NormalisedRule {
  freq: number;
  interval: number;
  wkst: number;
  /** DTSTART as a wall time (ms whose UTC fields are the local fields). */
  dtstart: number;
  startDay: number;
  startYear: number;
  startMonth: number;
  startDayOfMonth: number;
  startWeekday: number;
  startHour: number;
  startMinute: number;
  startSecond: number;
  months: number[] | null;
  weekNumbers: number[] | null;
  yearDays: number[] | null;
  monthDays: number[] | null;
  /** BYDAY items without an ordinal (and, below MONTHLY, every BYDAY item: RFC 5545 ignores the ordinal there). */
  weekdays: number[] | null;
  /** BYDAY items with an ordinal, MONTHLY and YEARLY only: the nth weekday of the month (or of the year). */
  nthWeekdays: ByDay[] | null;
  hours: number[] | null;
  minutes: number[] | null;
  seconds: number[];
  setPositions: number[] | null;
}

function sortedUnique(values: readonly number[] | null): number[] | null {
  return values === null ? null : [...new Set(values)].sort((a, b) => a - b);
}

/** Applies DTSTART's defaults to `parts` (see `NormalisedRule`). */
export function normaliseRule(
  parts: RuleParts,
  dtstart: number,
): NormalisedRule {
  const startDay = floorDiv(dtstart, DAY_MS);
  const { year, month, day } = civilDate(startDay);
  const timeOfDay = dtstart - startDay * DAY_MS;
  const startHour = Math.floor(timeOfDay / HOUR_MS);
  const startMinute = Math.floor((timeOfDay % HOUR_MS) / MINUTE_MS);
  const startSecond = Math.floor((timeOfDay % MINUTE_MS) / 1000);
  const startWeekday = weekday(startDay);
  const { freq } = parts;
  let months = parts.bymonth;
  let monthDays = parts.bymonthday;
  let byday = parts.byday;
  if (
    parts.byweekno === null &&
    parts.byyearday === null &&
    monthDays === null &&
    byday === null
  ) {
    if (freq === YEARLY) {
      months ??= [month];
      monthDays = [day];
    } else if (freq === MONTHLY) monthDays = [day];
    else if (freq === WEEKLY) byday = [{ weekday: startWeekday, n: 0 }];
  }
  const ordinals = freq === MONTHLY || freq === YEARLY;
  const plain = byday?.filter((item) => item.n === 0 || !ordinals) ?? null;
  const nth = byday?.filter((item) => item.n !== 0 && ordinals) ?? null;
  return {
    freq,
    interval: parts.interval,
    wkst: parts.wkst,
    dtstart,
    startDay,
    startYear: year,
    startMonth: month,
    startDayOfMonth: day,
    startWeekday,
    startHour,
    startMinute,
    startSecond,
    months: sortedUnique(months),
    weekNumbers: sortedUnique(parts.byweekno),
    yearDays: sortedUnique(parts.byyearday),
    monthDays: sortedUnique(monthDays),
    weekdays:
      plain && plain.length > 0
        ? sortedUnique(plain.map((item) => item.weekday))
        : null,
    nthWeekdays: nth && nth.length > 0 ? nth : null,
    hours: sortedUnique(parts.byhour ?? (freq < HOURLY ? [startHour] : null)),
    minutes: sortedUnique(
      parts.byminute ?? (freq < MINUTELY ? [startMinute] : null),
    ),
    seconds: sortedUnique(parts.bysecond ?? [startSecond]) as number[],
    setPositions: sortedUnique(parts.bysetpos),
  };
}

/** Positions `setPositions` (1-based, negative from the end) picked from `size` ordered candidates, ascending. */
export function pickedIndexes(
  setPositions: readonly number[],
  size: number,
): number[] {
  const picked = new Set<number>();
  for (const position of setPositions) {
    const index = position > 0 ? position - 1 : size + position;
    if (index >= 0 && index < size) picked.add(index);
  }
  return [...picked].sort((a, b) => a - b);
}

function mask(values: readonly number[] | null, size: number): boolean[] {
  const result = new Array<boolean>(size).fill(values === null);
  for (const value of values ?? []) result[value] = true;
  return result;
}

/** Offsets (ms) of every combination of `a` and `b` values, scaled by `aMs` and `bMs`, ascending. */
function offsets(
  a: readonly number[],
  aMs: number,
  b: readonly number[],
  bMs: number,
): number[] {
  return a
    .flatMap((x) => b.map((y) => x * aMs + y * bMs))
    .sort((x, y) => x - y);
}

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

/** First day of week 1 of `year` (the week, starting on `wkst`, that holds at least 4 days of the year). */
function firstWeekStart(year: number, wkst: number): number {
  const jan1 = dayNumber(year, 1, 1);
  const weekStart = jan1 - mod(weekday(jan1) - wkst, 7);
  return jan1 - weekStart <= 3 ? weekStart : weekStart + 7;
}

/**
 * The occurrences of a rule as floating wall times, computed in *blocks* that can be located directly: a period of
 * the rule (a year, month, week or day stepped by INTERVAL from DTSTART's) for YEARLY to DAILY, a calendar day for
 * HOURLY and MINUTELY (whose periods are the hours or minutes `≡ DTSTART (mod INTERVAL)`, found per day by
 * arithmetic). Nothing is replayed from DTSTART: the block holding a query is computed from the query, so a
 * rule's age never matters. Only COUNT needs the occurrences from DTSTART; they are materialised once, lazily, up to
 * the furthest question asked (COUNT ≤ 10,000). Every block examined is charged to the question's budget.
 */
export class RRuleExpander {
  private readonly monthMask: boolean[];
  private readonly monthDayMask: boolean[] | null;
  private readonly negativeMonthDayMask: boolean[] | null;
  private readonly yearDayMask: boolean[] | null;
  private readonly negativeYearDayMask: boolean[] | null;
  private readonly weekdayMask: boolean[] | null;
  private readonly hourMask: boolean[];
  private readonly minuteMask: boolean[];
  /** Milliseconds into a day (YEARLY-DAILY), an hour (HOURLY) or a minute (MINUTELY) of each occurrence. */
  private readonly times: number[];
  /** For HOURLY, MINUTELY and DAILY the set BYSETPOS picks from is the same in every period: picked once. */
  private readonly fixedPicks: number[] | null;
  /** HOURLY: hours since the epoch; MINUTELY: minutes. DTSTART's unit; every period is `≡ it (mod INTERVAL)`. */
  private readonly firstUnit: number;
  private readonly unitMs: number;
  private readonly unitsPerDay: number;
  /** MINUTELY: the allowed minutes of the day, when few enough to test instead of stepping through the lattice. */
  private readonly allowedMinutesOfDay: number[] | null;
  private readonly weekStart: number;
  private readonly firstMonthIndex: number;
  private readonly cache = new Map<number, readonly number[]>();
  private readonly counted: number[] = [];
  private nextCountedBlock = 0;
  private countDone = false;

  /**
   * @param untilWall a floating UNTIL: occurrences after it are dropped.
   * @param stopWall no occurrence lies after it (UNTIL, as a wall bound when UNTIL is an instant, or year 9999).
   */
  constructor(
    readonly rule: NormalisedRule,
    private readonly count: number | null,
    private readonly untilWall: number | null,
    private readonly stopWall: number,
  ) {
    const { freq } = rule;
    this.monthMask = mask(rule.months, 13);
    const positive = (values: number[] | null) =>
      values && values.some((v) => v > 0)
        ? mask(
            values.filter((v) => v > 0),
            367,
          )
        : null;
    const negative = (values: number[] | null) =>
      values && values.some((v) => v < 0)
        ? mask(
            values.filter((v) => v < 0).map((v) => -v),
            367,
          )
        : null;
    this.monthDayMask = positive(rule.monthDays);
    this.negativeMonthDayMask = negative(rule.monthDays);
    this.yearDayMask = positive(rule.yearDays);
    this.negativeYearDayMask = negative(rule.yearDays);
    this.weekdayMask = rule.weekdays ? mask(rule.weekdays, 7) : null;
    this.hourMask = mask(rule.hours, 24);
    this.minuteMask = mask(rule.minutes, 60);
    if (freq <= DAILY) {
      this.times = offsets(
        offsets(rule.hours ?? [], HOUR_MS, rule.minutes ?? [], MINUTE_MS),
        1,
        rule.seconds,
        1000,
      );
    } else if (freq === HOURLY) {
      this.times = offsets(rule.minutes ?? [], MINUTE_MS, rule.seconds, 1000);
    } else {
      this.times = rule.seconds.map((second) => second * 1000);
    }
    this.fixedPicks =
      rule.setPositions && freq >= DAILY
        ? pickedIndexes(rule.setPositions, this.times.length).map(
            (index) => this.times[index],
          )
        : null;
    this.unitMs = freq === HOURLY ? HOUR_MS : MINUTE_MS;
    this.unitsPerDay = DAY_MS / this.unitMs;
    this.firstUnit =
      rule.startDay * this.unitsPerDay +
      (freq === HOURLY
        ? rule.startHour
        : rule.startHour * 60 + rule.startMinute);
    const allowed =
      freq === MINUTELY
        ? range(1440).filter(
            (minute) =>
              this.hourMask[Math.floor(minute / 60)] &&
              this.minuteMask[minute % 60],
          )
        : [];
    this.allowedMinutesOfDay =
      freq === MINUTELY && allowed.length < 1440 / rule.interval
        ? allowed
        : null;
    this.weekStart = rule.startDay - mod(rule.startWeekday - rule.wkst, 7);
    this.firstMonthIndex = rule.startYear * 12 + rule.startMonth - 1;
  }

  /** The first occurrence strictly after `wall` and at or before `until`, or null. */
  nextWall(
    wall: number,
    budget: EvaluationBudget,
    until = Infinity,
  ): number | null {
    if (this.count !== null) {
      while (
        !this.countDone &&
        (this.counted.length === 0 ||
          this.counted[this.counted.length - 1] <= wall) &&
        this.blockStartWall(this.nextCountedBlock) <= until
      )
        this.countNextBlock(budget);
      const index = upperBound(this.counted, wall);
      return index < this.counted.length && this.counted[index] <= until
        ? this.counted[index]
        : null;
    }
    const last = Math.min(until, this.stopWall);
    for (
      let block = Math.max(0, this.blockAt(wall));
      ;
      block = this.blockAfter(block)
    ) {
      if (this.blockStartWall(block) > last) return null;
      const walls = this.block(block, budget);
      const index = upperBound(walls, wall);
      if (index < walls.length)
        return walls[index] <= until ? walls[index] : null;
    }
  }

  /** The last occurrence at or before `wall`, or null. */
  previousWall(wall: number, budget: EvaluationBudget): number | null {
    if (this.count !== null) {
      while (
        !this.countDone &&
        this.blockStartWall(this.nextCountedBlock) <= wall
      )
        this.countNextBlock(budget);
      const index = upperBound(this.counted, wall) - 1;
      return index >= 0 ? this.counted[index] : null;
    }
    const last = Math.min(wall, this.stopWall);
    for (let block = this.blockAt(last); block >= 0; ) {
      const walls = this.block(block, budget);
      const index = upperBound(walls, last) - 1;
      if (index >= 0) return walls[index];
      block = this.blockBefore(block);
    }
    return null;
  }

  /** True when no occurrence lies after `wall` (the rule ended: UNTIL, COUNT, or year 9999). */
  endsBy(wall: number, budget: EvaluationBudget): boolean {
    if (this.stopWall <= wall) return true;
    if (this.count === null) return false;
    return this.nextWall(wall, budget) === null;
  }

  private countNextBlock(budget: EvaluationBudget): void {
    const block = this.nextCountedBlock;
    if (this.blockStartWall(block) > this.stopWall) {
      this.countDone = true;
      return;
    }
    for (const wall of this.expand(block, budget)) {
      this.counted.push(wall);
      if (this.counted.length >= (this.count as number)) {
        this.countDone = true;
        return;
      }
    }
    this.nextCountedBlock = this.blockAfter(block);
  }

  private block(block: number, budget: EvaluationBudget): readonly number[] {
    let walls = this.cache.get(block);
    if (walls === undefined) {
      walls = this.expand(block, budget);
      if (this.cache.size >= CACHED_BLOCKS) {
        const oldest = this.cache.keys().next().value as number;
        this.cache.delete(oldest);
      }
      this.cache.set(block, walls);
    } else budget.spend(STEP_COST.cachedBlock);
    return walls;
  }

  /** The index of the block holding `wall`, or of the last block before it (negative before DTSTART). */
  private blockAt(wall: number): number {
    const day = floorDiv(wall, DAY_MS);
    const { freq, interval, startDay } = this.rule;
    switch (freq) {
      case YEARLY:
        return floorDiv(civilDate(day).year - this.rule.startYear, interval);
      case MONTHLY: {
        const { year, month } = civilDate(day);
        return floorDiv(year * 12 + month - 1 - this.firstMonthIndex, interval);
      }
      case WEEKLY:
        return day < startDay
          ? -1
          : floorDiv(day - this.weekStart, 7 * interval);
      case DAILY:
        return floorDiv(day - startDay, interval);
      default:
        return day - startDay;
    }
  }

  /** The next block that can hold an occurrence (HOURLY and MINUTELY skip days without a period). */
  private blockAfter(block: number): number {
    if (this.rule.freq < HOURLY) return block + 1;
    const dayStartUnit = (this.rule.startDay + block + 1) * this.unitsPerDay;
    const unit =
      this.firstUnit +
      Math.ceil((dayStartUnit - this.firstUnit) / this.rule.interval) *
        this.rule.interval;
    return floorDiv(unit, this.unitsPerDay) - this.rule.startDay;
  }

  private blockBefore(block: number): number {
    if (this.rule.freq < HOURLY) return block - 1;
    const dayStartUnit = (this.rule.startDay + block) * this.unitsPerDay;
    const unit =
      this.firstUnit +
      Math.floor((dayStartUnit - 1 - this.firstUnit) / this.rule.interval) *
        this.rule.interval;
    return unit < this.firstUnit
      ? -1
      : floorDiv(unit, this.unitsPerDay) - this.rule.startDay;
  }

  /** The days `[first, end)` of block `block`. */
  private blockDays(block: number): [number, number] {
    const { freq, interval, startDay, startYear } = this.rule;
    switch (freq) {
      case YEARLY: {
        const year = startYear + block * interval;
        return [dayNumber(year, 1, 1), dayNumber(year + 1, 1, 1)];
      }
      case MONTHLY: {
        const index = this.firstMonthIndex + block * interval;
        const year = floorDiv(index, 12);
        const month = mod(index, 12) + 1;
        const first = dayNumber(year, month, 1);
        return [first, first + monthLength(year, month)];
      }
      case WEEKLY:
        // As python-dateutil and rrule.js: the first period runs from DTSTART to the end of its week.
        return block === 0
          ? [startDay, this.weekStart + 7]
          : [
              this.weekStart + 7 * interval * block,
              this.weekStart + 7 * interval * block + 7,
            ];
      case DAILY:
        return [startDay + block * interval, startDay + block * interval + 1];
      default:
        return [startDay + block, startDay + block + 1];
    }
  }

  private blockStartWall(block: number): number {
    const start = this.blockDays(block)[0] * DAY_MS;
    return start >= END_OF_TIME ? Infinity : start;
  }

  /** The occurrences in block `block`, ascending. */
  private expand(block: number, budget: EvaluationBudget): readonly number[] {
    budget.spend(STEP_COST.block);
    const [first, end] = this.blockDays(block);
    if (first * DAY_MS >= END_OF_TIME) return EMPTY;
    const walls: number[] = [];
    // Occurrences before DTSTART (in its own period) and after UNTIL are dropped, after BYSETPOS picked them.
    const output: Output = {
      walls,
      from: this.rule.dtstart,
      to: Math.min(this.untilWall ?? Infinity, END_OF_TIME - 1),
    };
    if (this.rule.freq >= HOURLY) this.expandDay(first, output, budget);
    else this.expandPeriod(first, end, output, budget);
    return walls.length === 0 ? EMPTY : walls;
  }

  private expandPeriod(
    first: number,
    end: number,
    output: Output,
    budget: EvaluationBudget,
  ): void {
    const days = this.candidateDays(first, end, budget).filter((day) =>
      this.dayMatches(day),
    );
    const { setPositions } = this.rule;
    const times = this.fixedPicks ?? this.times;
    if (setPositions && !this.fixedPicks) {
      const size = days.length * times.length;
      budget.spend(size * STEP_COST.candidate);
      for (const index of pickedIndexes(setPositions, size))
        emit(
          output,
          days[Math.floor(index / times.length)] * DAY_MS +
            times[index % times.length],
        );
      return;
    }
    budget.spend(days.length * times.length * STEP_COST.candidate);
    for (const day of days)
      for (const time of times) emit(output, day * DAY_MS + time);
  }

  /**
   * Days of `[first, end)` that may match, ascending, generated from the most selective day part instead of testing
   * every day of a year: the listed year days, else the listed month days of each allowed month, else the nth
   * weekdays, else every day of the allowed months. `dayMatches` still decides each.
   */
  private candidateDays(
    first: number,
    end: number,
    budget: EvaluationBudget,
  ): number[] {
    const rule = this.rule;
    const found: number[] = [];
    const add = (day: number) => {
      budget.spend(STEP_COST.day);
      if (day >= first && day < end) found.push(day);
    };
    const nthOnly = rule.nthWeekdays !== null && rule.weekdays === null;
    if (rule.yearDays || (nthOnly && !this.nthInMonth)) {
      const last = civilDate(end - 1).year;
      for (let year = civilDate(first).year; year <= last; year++) {
        const start = dayNumber(year, 1, 1);
        const length = yearLength(year);
        if (rule.yearDays) this.addListed(rule.yearDays, start, length, add);
        else this.addNthWeekdays(start, start + length, add);
      }
    } else {
      let { year, month } = civilDate(first);
      for (
        let start = dayNumber(year, month, 1);
        start < end;
        start = dayNumber(year, month, 1)
      ) {
        const length = monthLength(year, month);
        budget.spend(STEP_COST.day);
        if (this.monthMask[month]) {
          if (rule.monthDays)
            this.addListed(rule.monthDays, start, length, add);
          else if (nthOnly) this.addNthWeekdays(start, start + length, add);
          else
            for (
              let day = Math.max(first, start);
              day < Math.min(end, start + length);
              day++
            )
              add(day);
        }
        month++;
        if (month > 12) {
          month = 1;
          year++;
        }
      }
    }
    found.sort((a, b) => a - b);
    return found.filter(
      (day, index) => index === 0 || day !== found[index - 1],
    );
  }

  /** Whether an nth weekday counts within the month (MONTHLY, or YEARLY with BYMONTH) rather than the year. */
  private get nthInMonth(): boolean {
    return this.rule.freq === MONTHLY || this.rule.months !== null;
  }

  /** Adds the days `n` (from 1; negative from the end) of a span of `length` days from `start`. */
  private addListed(
    listed: readonly number[],
    start: number,
    length: number,
    add: (day: number) => void,
  ): void {
    for (const n of listed) {
      const index = n > 0 ? n : length + n + 1;
      if (index >= 1 && index <= length) add(start + index - 1);
    }
  }

  /** Adds the nth weekdays of BYDAY within `[start, end)`. */
  private addNthWeekdays(
    start: number,
    end: number,
    add: (day: number) => void,
  ): void {
    for (const item of this.rule.nthWeekdays ?? []) {
      const day =
        item.n > 0
          ? start + mod(item.weekday - weekday(start), 7) + (item.n - 1) * 7
          : end -
            1 -
            mod(weekday(end - 1) - item.weekday, 7) +
            (item.n + 1) * 7;
      if (day >= start && day < end) add(day);
    }
  }

  /** HOURLY and MINUTELY: the periods of `day` (units `≡ DTSTART's (mod INTERVAL)`) that BYHOUR/BYMINUTE allow. */
  private expandDay(
    day: number,
    output: Output,
    budget: EvaluationBudget,
  ): void {
    budget.spend(STEP_COST.day);
    if (!this.dayMatches(day)) return;
    const { interval, freq } = this.rule;
    const dayStartUnit = day * this.unitsPerDay;
    const first = mod(this.firstUnit - dayStartUnit, interval);
    const times = this.fixedPicks ?? this.times;
    const emitUnit = (unit: number) => {
      const start = (dayStartUnit + unit) * this.unitMs;
      for (const time of times) emit(output, start + time);
    };
    if (this.allowedMinutesOfDay) {
      budget.spend(this.allowedMinutesOfDay.length * STEP_COST.candidate);
      for (const minute of this.allowedMinutesOfDay)
        if (mod(minute - first, interval) === 0) emitUnit(minute);
      return;
    }
    budget.spend(Math.ceil(this.unitsPerDay / interval) * STEP_COST.candidate);
    for (let unit = first; unit < this.unitsPerDay; unit += interval) {
      const allowed =
        freq === HOURLY
          ? this.hourMask[unit]
          : this.hourMask[Math.floor(unit / 60)] && this.minuteMask[unit % 60];
      if (allowed) emitUnit(unit);
    }
  }

  /** The day-level parts: BYMONTH, BYWEEKNO, BYYEARDAY, BYMONTHDAY, BYDAY (plain or nth: either matches). */
  private dayMatches(day: number): boolean {
    const { year, month, day: dayOfMonth } = civilDate(day);
    if (!this.monthMask[month]) return false;
    const rule = this.rule;
    if (this.monthDayMask || this.negativeMonthDayMask) {
      const fromEnd = monthLength(year, month) - dayOfMonth + 1;
      if (
        !this.monthDayMask?.[dayOfMonth] &&
        !this.negativeMonthDayMask?.[fromEnd]
      )
        return false;
    }
    if (this.yearDayMask || this.negativeYearDayMask) {
      const dayOfYear = day - dayNumber(year, 1, 1) + 1;
      const fromEnd = yearLength(year) - dayOfYear + 1;
      if (
        !this.yearDayMask?.[dayOfYear] &&
        !this.negativeYearDayMask?.[fromEnd]
      )
        return false;
    }
    if (rule.weekNumbers && !this.weekNumberMatches(day)) return false;
    if (this.weekdayMask || rule.nthWeekdays) {
      const dayOfWeek = weekday(day);
      if (
        !this.weekdayMask?.[dayOfWeek] &&
        !this.nthWeekdayMatches(day, dayOfWeek, year, month, dayOfMonth)
      )
        return false;
    }
    return true;
  }

  private nthWeekdayMatches(
    day: number,
    dayOfWeek: number,
    year: number,
    month: number,
    dayOfMonth: number,
  ): boolean {
    const nth = this.rule.nthWeekdays;
    if (!nth) return false;
    // The nth weekday of the month (MONTHLY, or YEARLY with BYMONTH), else of the year.
    const inMonth = this.nthInMonth;
    const position = inMonth ? dayOfMonth : day - dayNumber(year, 1, 1) + 1;
    const length = inMonth ? monthLength(year, month) : yearLength(year);
    const fromStart = Math.floor((position - 1) / 7) + 1;
    const fromEnd = -(Math.floor((length - position) / 7) + 1);
    return nth.some(
      (item) =>
        item.weekday === dayOfWeek &&
        (item.n === fromStart || item.n === fromEnd),
    );
  }

  private weekNumberMatches(day: number): boolean {
    const { wkst, weekNumbers } = this.rule;
    const weekStartDay = day - mod(weekday(day) - wkst, 7);
    // A week belongs to the year that holds its 4th day.
    const weekYear = civilDate(weekStartDay + 3).year;
    const week1 = firstWeekStart(weekYear, wkst);
    const number = (weekStartDay - week1) / 7 + 1;
    const weeks = (firstWeekStart(weekYear + 1, wkst) - week1) / 7;
    return (weekNumbers as number[]).some(
      (n) => n === number || n === number - weeks - 1,
    );
  }
}

/** Where an expansion writes: the walls within `[from, to]`, in the order given (ascending). */
interface Output {
  walls: number[];
  from: number;
  to: number;
}

function emit(output: Output, wall: number): void {
  if (wall >= output.from && wall <= output.to) output.walls.push(wall);
}

function range(size: number): number[] {
  return Array.from({ length: size }, (_, index) => index);
}
