import { gcd, isLeapYear, mod } from './calendar';
import { MONTH_NAMES } from './cron-expression';
import { pickedIndexes, type NormalisedRule } from './rrule-expander';
import {
  DAILY,
  HOURLY,
  MINUTELY,
  MONTHLY,
  RULE_WEEKDAY_NAMES,
  WEEKDAY_CODES,
  YEARLY,
} from './rrule-text';

const MAX_MONTH_LENGTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const WEEKDAY_NAMES = RULE_WEEKDAY_NAMES;

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, index) => from + index);
}

/** `0, 3, 6 and 9`, or the first few and the last when the list is long. */
function listed(values: readonly (number | string)[]): string {
  const text = values.map(String);
  if (text.length > 8)
    return `${text.slice(0, 4).join(', ')}, …, ${text[text.length - 1]}`;
  return text.length === 1
    ? text[0]
    : `${text.slice(0, -1).join(', ')} and ${text[text.length - 1]}`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** The months a day of the month `day` (negative: from the end) can fall in, out of `months`. */
function monthsHolding(days: readonly number[], months: readonly number[]) {
  return months.filter((month) =>
    days.some((day) => Math.abs(day) <= MAX_MONTH_LENGTH[month - 1]),
  );
}

/** Why BYMONTH and BYMONTHDAY, as written, never meet (e.g. February 30); null when they can. */
export function monthDaysNeverMeetReason(
  months: readonly number[] | null,
  days: readonly number[] | null,
): string | null {
  if (months === null || days === null) return null;
  return monthsHolding(days, months).length === 0
    ? `never fires: BYMONTHDAY ${days.join(',')} never occurs in ${listed(months.map((m) => MONTH_NAMES[m - 1]))}`
    : null;
}

/**
 * Why `rule` can never fire, decided by reasoning over its periods and sets, never by expanding it; null when it may
 * fire. Each test is a necessary condition for a first occurrence, so a reason is always right (a rule that passes
 * may still be empty in rarer ways: the write-time horizon check catches those). The arguments:
 * - INTERVAL keeps a residue: periods are DTSTART's period plus multiples of INTERVAL, so a MONTHLY rule reaches
 *   only the months `≡ DTSTART's (mod gcd(INTERVAL, 12))`, a DAILY one the weekdays `mod gcd(INTERVAL, 7)`, an HOURLY
 *   one the hours of the day `mod gcd(INTERVAL, 24)` and of the week `mod gcd(INTERVAL, 168)`, a MINUTELY one the
 *   minutes of the hour, day and week likewise; BYMONTH/BYDAY/BYHOUR/BYMINUTE must meet those residues.
 * - Calendar sets must meet: BYMONTHDAY in the reachable months; February 29 (or day 366) only in leap years, which
 *   a YEARLY rule with INTERVAL reaches only if some `DTSTART's year + k·INTERVAL` is one (checked over 400 years,
 *   the Gregorian cycle); an nth weekday exists (a month has at most 5 of each, a year 53).
 * - BYSETPOS picks from a set whose size is fixed for DAILY, HOURLY and MINUTELY rules.
 * - UNTIL must not be before DTSTART.
 */
export function neverFiresReason(
  rule: NormalisedRule,
  stopWall: number,
): string | null {
  return (
    untilReason(rule, stopWall) ??
    monthReason(rule) ??
    nthWeekdayReason(rule) ??
    setPositionReason(rule) ??
    residueReason(rule)
  );
}

function untilReason(rule: NormalisedRule, stopWall: number): string | null {
  return stopWall < rule.dtstart
    ? 'never fires: UNTIL is before DTSTART'
    : null;
}

function monthReason(rule: NormalisedRule): string | null {
  const { freq, interval, startMonth } = rule;
  const allMonths = range(1, 12);
  const step = freq === MONTHLY ? gcd(interval, 12) : 1;
  const reachable = allMonths.filter(
    (month) => mod(month - startMonth, step) === 0,
  );
  const candidates = reachable.filter(
    (month) => rule.months === null || rule.months.includes(month),
  );
  if (candidates.length === 0) {
    return `never fires: INTERVAL=${interval} months from ${MONTH_NAMES[startMonth - 1]} reaches only ${listed(reachable.map((m) => MONTH_NAMES[m - 1]))}, and BYMONTH ${(rule.months ?? []).join(',')} is none of them`;
  }
  let months = candidates;
  if (rule.monthDays) {
    months = monthsHolding(rule.monthDays, candidates);
    if (months.length === 0)
      return `never fires: BYMONTHDAY ${rule.monthDays.join(',')} never occurs in ${listed(candidates.map((m) => MONTH_NAMES[m - 1]))}`;
  }
  if (rule.yearDays) {
    const holding = new Set(
      [365, 366].flatMap((length) =>
        (rule.yearDays as number[])
          .map((n) => (n > 0 ? n : length + n + 1))
          .filter((n) => n >= 1 && n <= length)
          .map((n) => monthOfYearDay(n, length === 366)),
      ),
    );
    months = months.filter((month) => holding.has(month));
    if (months.length === 0)
      return `never fires: BYYEARDAY ${rule.yearDays.join(',')} never falls in ${listed(candidates.map((m) => MONTH_NAMES[m - 1]))}`;
  }
  return leapYearReason(rule, months);
}

function monthOfYearDay(dayOfYear: number, leap: boolean): number {
  let remaining = dayOfYear;
  for (let month = 1; month <= 12; month++) {
    const length = month === 2 ? (leap ? 29 : 28) : MAX_MONTH_LENGTH[month - 1];
    if (remaining <= length) return month;
    remaining -= length;
  }
  return 12;
}

/** A rule that can only fire on February 29 or day 366, stepping whole years, must reach a leap year. */
function leapYearReason(rule: NormalisedRule, months: number[]): string | null {
  const { freq, interval, startYear } = rule;
  const onlyFebruary29 =
    months.length === 1 &&
    months[0] === 2 &&
    rule.monthDays !== null &&
    rule.monthDays.every((day) => Math.abs(day) >= 29);
  const onlyDay366 =
    rule.yearDays !== null &&
    rule.yearDays.every((day) => Math.abs(day) === 366);
  if (!onlyFebruary29 && !onlyDay366) return null;
  const yearStep =
    freq === YEARLY
      ? interval
      : freq === MONTHLY && interval % 12 === 0
        ? interval / 12
        : null;
  if (yearStep === null) return null;
  for (let k = 0; k < 400; k++)
    if (isLeapYear(mod(startYear + k * yearStep, 400))) return null;
  const what = onlyFebruary29 ? 'February 29' : 'a day 366';
  return `never fires: only leap years have ${what}, and every ${yearStep} years from ${startYear} never reaches one`;
}

function nthWeekdayReason(rule: NormalisedRule): string | null {
  const nth = rule.nthWeekdays;
  if (!nth || rule.weekdays) return null;
  const inMonth = rule.freq === MONTHLY || rule.months !== null;
  const most = inMonth ? 5 : 53;
  return nth.every((item) => Math.abs(item.n) > most)
    ? `never fires: BYDAY ${nth.map((item) => `${item.n}${WEEKDAY_CODES[item.weekday]}`).join(',')} asks for more than the ${most} of each weekday a ${inMonth ? 'month' : 'year'} has`
    : null;
}

function setPositionReason(rule: NormalisedRule): string | null {
  if (!rule.setPositions || rule.freq < DAILY) return null;
  const hours = rule.freq === DAILY ? (rule.hours?.length ?? 24) : 1;
  const minutes = rule.freq === MINUTELY ? 1 : (rule.minutes?.length ?? 60);
  const size = hours * minutes * rule.seconds.length;
  const unit = ['', '', '', 'day', 'hour', 'minute'][rule.freq];
  return pickedIndexes(rule.setPositions, size).length === 0
    ? `never fires: BYSETPOS ${rule.setPositions.join(',')} picks nothing from the ${size} time${size === 1 ? '' : 's'} of each ${unit}`
    : null;
}

/** Values `v` in `[0, size)` with `v ≡ start (mod gcd(interval, size))`: where the INTERVAL lattice lands. */
function reachable(start: number, interval: number, size: number): number[] {
  const step = gcd(interval, size);
  const values: number[] = [];
  for (let value = mod(start, step); value < size; value += step)
    values.push(value);
  return values;
}

/** Whether some combination of the listed values, as a unit of a cycle, lies on the INTERVAL lattice. */
function meetsLattice(
  start: number,
  interval: number,
  cycle: number,
  combinations: (visit: (unit: number) => boolean) => boolean,
): boolean {
  const step = gcd(interval, cycle);
  return combinations((unit) => mod(unit - start, step) === 0);
}

/** The weekdays on which a lattice's allowed times (units of the week, `perDay` a day) fall miss BYDAY. */
function weekdayLatticeReason(
  lattice: string,
  allowedUnitsOfWeek: readonly number[],
  perDay: number,
  weekdays: readonly number[],
): string {
  const days = [
    ...new Set(allowedUnitsOfWeek.map((unit) => Math.floor(unit / perDay))),
  ].sort((a, b) => a - b);
  return `never fires: ${lattice} is at an allowed time of day only on ${listed(days.map((d) => `${WEEKDAY_NAMES[d]}s`))}, and BYDAY ${weekdays.map((d) => WEEKDAY_CODES[d]).join(',')} is none of them`;
}

function residueReason(rule: NormalisedRule): string | null {
  const { freq, interval } = rule;
  const weekdays = rule.weekdays ?? range(0, 6);
  const hours = rule.hours ?? range(0, 23);
  const minutes = rule.minutes ?? range(0, 59);
  const startWeekday = WEEKDAY_NAMES[rule.startWeekday];
  const start = `${pad(rule.startHour)}:${pad(rule.startMinute)}`;
  const byday = weekdays.map((d) => WEEKDAY_CODES[d]).join(',');
  if (freq === DAILY && rule.weekdays) {
    if (
      !meetsLattice(rule.startWeekday, interval, 7, (on) => weekdays.some(on))
    ) {
      const days = reachable(rule.startWeekday, interval, 7);
      return `never fires: every ${interval} days from a ${startWeekday} lands only on ${listed(days.map((d) => `${WEEKDAY_NAMES[d]}s`))}, and BYDAY ${byday} is none of them`;
    }
  }
  if (freq === HOURLY) {
    if (!meetsLattice(rule.startHour, interval, 24, (on) => hours.some(on))) {
      const reached = reachable(rule.startHour, interval, 24);
      return `never fires: INTERVAL=${interval} hours from ${start} reaches only ${reached.length === 1 ? 'hour' : 'the hours'} ${listed(reached)} of a day, and BYHOUR ${hours.join(',')} is none of them`;
    }
    const weekStart = rule.startWeekday * 24 + rule.startHour;
    const hoursOfWeek = (on: (unit: number) => boolean) =>
      weekdays.some((day) => hours.some((hour) => on(day * 24 + hour)));
    if (!meetsLattice(weekStart, interval, 168, hoursOfWeek))
      return weekdayLatticeReason(
        `INTERVAL=${interval} hours from ${startWeekday} ${start}`,
        reachable(weekStart, interval, 168).filter((unit) =>
          hours.includes(unit % 24),
        ),
        24,
        weekdays,
      );
  }
  if (freq === MINUTELY) {
    if (
      !meetsLattice(rule.startMinute, interval, 60, (on) => minutes.some(on))
    ) {
      const reached = reachable(rule.startMinute, interval, 60);
      return `never fires: INTERVAL=${interval} minutes from minute ${rule.startMinute} reaches only the minutes ${listed(reached)} of an hour, and BYMINUTE ${minutes.join(',')} is none of them`;
    }
    const dayStart = rule.startHour * 60 + rule.startMinute;
    const minutesOfDay = (on: (unit: number) => boolean) =>
      hours.some((hour) => minutes.some((minute) => on(hour * 60 + minute)));
    if (!meetsLattice(dayStart, interval, 1440, minutesOfDay))
      return `never fires: INTERVAL=${interval} minutes from ${start} never lands on BYHOUR ${hours.join(',')} at BYMINUTE ${minutes.join(',')}`;
    const weekStart = rule.startWeekday * 1440 + dayStart;
    if (
      !meetsLattice(weekStart, interval, 10_080, (on) =>
        weekdays.some((day) => minutesOfDay((unit) => on(day * 1440 + unit))),
      )
    ) {
      const allowed = (unit: number) =>
        hours.includes(Math.floor((unit % 1440) / 60)) &&
        minutes.includes(unit % 60);
      return weekdayLatticeReason(
        `INTERVAL=${interval} minutes from ${startWeekday} ${start}`,
        reachable(weekStart, interval, 10_080).filter(allowed),
        1440,
        weekdays,
      );
    }
  }
  return null;
}
