const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** A valid expression fires at least once in any 400-year span (the Gregorian cycle). */
const SEARCH_YEARS = 400;

export const CRON_MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
export const WEEKDAY_NAMES = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** The first value that `names[0]` stands for. */
  namesFrom?: number;
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: [
      'JAN',
      'FEB',
      'MAR',
      'APR',
      'MAY',
      'JUN',
      'JUL',
      'AUG',
      'SEP',
      'OCT',
      'NOV',
      'DEC',
    ],
    namesFrom: 1,
  },
  {
    name: 'day-of-week',
    min: 0,
    max: 7,
    names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'],
    namesFrom: 0,
  },
];
const MAX_DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A parsed five-field expression: allowed values per field plus the flags that change its meaning. */
export interface CronFields {
  /** The five fields as written (a macro expanded). */
  source: readonly string[];
  minutes: readonly boolean[];
  hours: readonly boolean[];
  daysOfMonth: readonly boolean[];
  months: readonly boolean[];
  /** 0 = Sunday; 7 in the expression is folded into 0. */
  daysOfWeek: readonly boolean[];
  /** Vixie cron: a day field written starting with `*` does not restrict, so the other one alone decides. */
  dayOfMonthStar: boolean;
  dayOfWeekStar: boolean;
  /** Hour field is a wildcard or a step: the schedule follows real time through a repeated hour. */
  followsRealTime: boolean;
}

export type CronParseResult =
  | { ok: true; fields: CronFields }
  | { ok: false; errors: string[] };

function parseValue(token: string, spec: FieldSpec): number | string {
  if (/^\d+$/.test(token)) {
    const value = Number(token);
    if (value < spec.min || value > spec.max) {
      return `${spec.name} ${value} is out of range ${spec.min}-${spec.max}`;
    }
    return value;
  }
  const index = spec.names?.indexOf(token.toUpperCase()) ?? -1;
  if (index >= 0) return index + (spec.namesFrom ?? 0);
  return `${spec.name} '${token}' is not a number${spec.names ? ' or name' : ''}`;
}

function parseField(
  text: string,
  spec: FieldSpec,
): { values: boolean[] } | { error: string } {
  const values = new Array<boolean>(spec.max + 1).fill(false);
  for (const item of text.split(',')) {
    if (item === '')
      return { error: `${spec.name} has an empty list item in '${text}'` };
    const match = /^([^/]+)(?:\/(.*))?$/.exec(item);
    if (!match) return { error: `${spec.name} '${item}' is not valid` };
    const [, range, stepText] = match;
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText))
        return { error: `${spec.name} step '${stepText}' is not a number` };
      step = Number(stepText);
      const maxStep = spec.max - spec.min;
      if (step < 1 || step > maxStep) {
        return {
          error: `${spec.name} step ${step} is out of range 1-${maxStep}`,
        };
      }
    }
    let from: number;
    let to: number;
    if (range === '*') {
      from = spec.min;
      to = spec.max;
    } else {
      const bounds = range.split('-');
      if (bounds.length > 2 || bounds.some((bound) => bound === '')) {
        return { error: `${spec.name} '${item}' is not valid` };
      }
      const parsed = bounds.map((bound) => parseValue(bound, spec));
      const problem = parsed.find(
        (value): value is string => typeof value === 'string',
      );
      if (problem !== undefined) return { error: problem };
      from = parsed[0] as number;
      to =
        bounds.length === 2
          ? (parsed[1] as number)
          : stepText !== undefined
            ? spec.max
            : from;
      if (from > to)
        return {
          error: `${spec.name} range ${range} goes backwards (write it low-high)`,
        };
    }
    for (let value = from; value <= to; value += step) values[value] = true;
  }
  return { values };
}

/** Parses a five-field expression or macro; errors are short human messages naming the field. */
export function parseCron(expression: string): CronParseResult {
  const trimmed = expression.trim();
  let source: string[];
  if (trimmed.startsWith('@')) {
    const expanded = CRON_MACROS[trimmed.toLowerCase()];
    if (!expanded) {
      return {
        ok: false,
        errors: [
          `unknown macro ${trimmed} (use ${Object.keys(CRON_MACROS).join(', ')})`,
        ],
      };
    }
    source = expanded.split(' ');
  } else {
    source = trimmed === '' ? [] : trimmed.split(/\s+/);
    if (source.length !== 5) {
      const hint = source.length === 6 ? ' (seconds are not supported)' : '';
      return {
        ok: false,
        errors: [
          `expected 5 fields (minute hour day-of-month month day-of-week), got ${source.length}${hint}`,
        ],
      };
    }
  }
  const errors: string[] = [];
  const values: boolean[][] = [];
  FIELDS.forEach((spec, index) => {
    const result = parseField(source[index], spec);
    if ('error' in result) errors.push(result.error);
    else values.push(result.values);
  });
  if (errors.length > 0) return { ok: false, errors };
  const [minutes, hours, daysOfMonth, months, daysOfWeek] = values;
  if (daysOfWeek[7]) daysOfWeek[0] = true;
  daysOfWeek.length = 7;
  const fields: CronFields = {
    source,
    minutes,
    hours,
    daysOfMonth,
    months,
    daysOfWeek,
    dayOfMonthStar: source[2].startsWith('*'),
    dayOfWeekStar: source[4].startsWith('*'),
    followsRealTime: source[1].startsWith('*') || source[1].includes('/'),
  };
  const never = neverFiresReason(fields);
  return never ? { ok: false, errors: [never] } : { ok: true, fields };
}

function neverFiresReason(fields: CronFields): string | null {
  if (!fields.dayOfWeekStar && !fields.dayOfMonthStar) return null;
  const firstDay = fields.daysOfMonth.indexOf(true);
  const months = MONTH_NAMES.filter((_, index) => fields.months[index + 1]);
  if (
    months.every(
      (_, i) => firstDay > MAX_DAYS_IN_MONTH[MONTH_NAMES.indexOf(months[i])],
    )
  ) {
    return `day-of-month ${fields.source[2]} never occurs in ${months.join(', ')}`;
  }
  const matcher = new CronMatcher(fields);
  if (matcher.nextWall(Date.UTC(2000, 0, 1) - 1) === null) {
    return 'expression never fires (no date matches its day-of-month, month and day-of-week)';
  }
  return null;
}

function nextAllowed(values: readonly boolean[], size: number): Int8Array {
  const table = new Int8Array(size + 1).fill(-1);
  for (let value = size - 1; value >= 0; value--)
    table[value] = values[value] ? value : table[value + 1];
  return table;
}

function previousAllowed(values: readonly boolean[], size: number): Int8Array {
  const table = new Int8Array(size).fill(-1);
  for (let value = 0; value < size; value++)
    table[value] = values[value] ? value : value > 0 ? table[value - 1] : -1;
  return table;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Finds matching wall times (ms whose UTC fields are the local fields, minute resolution) by jumping
 * field by field, forwards or backwards, never minute by minute.
 */
export class CronMatcher {
  private readonly nextMinute: Int8Array;
  private readonly prevMinute: Int8Array;
  private readonly nextHour: Int8Array;
  private readonly prevHour: Int8Array;

  constructor(private readonly fields: CronFields) {
    this.nextMinute = nextAllowed(fields.minutes, 60);
    this.prevMinute = previousAllowed(fields.minutes, 60);
    this.nextHour = nextAllowed(fields.hours, 24);
    this.prevHour = previousAllowed(fields.hours, 24);
  }

  private dayMatches(year: number, month: number, day: number): boolean {
    const { daysOfMonth, daysOfWeek, dayOfMonthStar, dayOfWeekStar } =
      this.fields;
    const weekday =
      (Math.floor(Date.UTC(year, month - 1, day) / DAY_MS) + 4) % 7;
    const domMatch = daysOfMonth[day];
    const dowMatch = daysOfWeek[weekday < 0 ? weekday + 7 : weekday];
    return dayOfMonthStar || dayOfWeekStar
      ? domMatch && dowMatch
      : domMatch || dowMatch;
  }

  /** The first matching wall minute strictly after `wall`, or null within 400 years. */
  nextWall(wall: number): number | null {
    const start = new Date(
      Math.floor(wall / MINUTE_MS) * MINUTE_MS + MINUTE_MS,
    );
    let year = start.getUTCFullYear();
    let month = start.getUTCMonth() + 1;
    let day = start.getUTCDate();
    let hour = start.getUTCHours();
    let minute = start.getUTCMinutes();
    const lastYear = year + SEARCH_YEARS;
    const { months } = this.fields;
    while (year <= lastYear) {
      if (!months[month] || day > daysInMonth(year, month)) {
        month++;
        if (month > 12) {
          month = 1;
          year++;
        }
        day = 1;
        hour = 0;
        minute = 0;
        continue;
      }
      if (!this.dayMatches(year, month, day)) {
        day++;
        hour = 0;
        minute = 0;
        continue;
      }
      const nextHour = this.nextHour[hour];
      if (nextHour < 0) {
        day++;
        hour = 0;
        minute = 0;
        continue;
      }
      if (nextHour !== hour) {
        hour = nextHour;
        minute = 0;
      }
      const nextMinute = this.nextMinute[minute];
      if (nextMinute < 0) {
        hour++;
        minute = 0;
        if (hour > 23) {
          day++;
          hour = 0;
        }
        continue;
      }
      return Date.UTC(year, month - 1, day, hour, nextMinute);
    }
    return null;
  }

  /** The last matching wall minute at or before `wall`, or null within 400 years. */
  previousWall(wall: number): number | null {
    const start = new Date(Math.floor(wall / MINUTE_MS) * MINUTE_MS);
    let year = start.getUTCFullYear();
    let month = start.getUTCMonth() + 1;
    let day = start.getUTCDate();
    let hour = start.getUTCHours();
    let minute = start.getUTCMinutes();
    const firstYear = year - SEARCH_YEARS;
    const { months } = this.fields;
    while (year >= firstYear) {
      if (day < 1 || !months[month]) {
        month--;
        if (month < 1) {
          month = 12;
          year--;
        }
        day = daysInMonth(year, month);
        hour = 23;
        minute = 59;
        continue;
      }
      if (!this.dayMatches(year, month, day)) {
        day--;
        hour = 23;
        minute = 59;
        continue;
      }
      const previousHour = this.prevHour[hour];
      if (previousHour < 0) {
        day--;
        hour = 23;
        minute = 59;
        continue;
      }
      if (previousHour !== hour) {
        hour = previousHour;
        minute = 59;
      }
      const previousMinute = this.prevMinute[minute];
      if (previousMinute < 0) {
        hour--;
        minute = 59;
        if (hour < 0) {
          day--;
          hour = 23;
        }
        continue;
      }
      return Date.UTC(year, month - 1, day, hour, previousMinute);
    }
    return null;
  }
}
