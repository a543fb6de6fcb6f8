import { isValidTimeZone } from './zone-timeline';

/** FREQ values, in RFC 5545's order from the coarsest; a rule's `freq` is an index into this list. */
export const FREQS = [
  'YEARLY',
  'MONTHLY',
  'WEEKLY',
  'DAILY',
  'HOURLY',
  'MINUTELY',
] as const;
export const YEARLY = 0;
export const MONTHLY = 1;
export const WEEKLY = 2;
export const DAILY = 3;
export const HOURLY = 4;
export const MINUTELY = 5;

/** RFC 5545 weekday codes; a weekday is an index into this list (0 = Monday). */
export const WEEKDAY_CODES = [
  'MO',
  'TU',
  'WE',
  'TH',
  'FR',
  'SA',
  'SU',
] as const;
/** The weekdays' names in the same order. */
export const RULE_WEEKDAY_NAMES = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
] as const;

/** A BYDAY item: `weekday` 0-6 from Monday, `n` the ordinal (`1MO` → 1, `-1FR` → -1) or 0 for every such day. */
export interface ByDay {
  weekday: number;
  n: number;
}

/** The rule parts as written (no defaults from DTSTART applied yet); a null list is an absent part. */
export interface RuleParts {
  freq: number;
  interval: number;
  count: number | null;
  /** Week start, 0 = Monday (the RFC 5545 default). */
  wkst: number;
  bymonth: number[] | null;
  byweekno: number[] | null;
  byyearday: number[] | null;
  bymonthday: number[] | null;
  byday: ByDay[] | null;
  byhour: number[] | null;
  byminute: number[] | null;
  bysecond: number[] | null;
  bysetpos: number[] | null;
}

/** An RRULE document split into what the engine needs; `zone` null means floating (the tenant's zone). */
export interface ParsedRRule {
  /** DTSTART as a wall time (ms whose UTC fields are the local fields); null when absent. */
  dtstartWall: number | null;
  /** TZID, `UTC` for a `Z` DTSTART, null when floating or absent. */
  zone: string | null;
  parts: RuleParts;
  /** UNTIL: a real instant (`Z`) or a floating wall time. */
  until: { instant: number } | { wall: number } | null;
  /** The RRULE body without UNTIL (upper case), for rrule.js's English text of unusual rules. */
  body: string;
}

export type RRuleParseResult =
  | { ok: true; rule: ParsedRRule }
  | { ok: false; errors: string[] };

/** Above this COUNT the occurrences are not materialised; an open-ended rule is used instead. */
export const MAX_RRULE_COUNT = 10_000;

const RANGES: Record<string, [number, number, boolean]> = {
  BYSECOND: [0, 59, false],
  BYMINUTE: [0, 59, false],
  BYHOUR: [0, 23, false],
  BYMONTHDAY: [1, 31, true],
  BYYEARDAY: [1, 366, true],
  BYWEEKNO: [1, 53, true],
  BYMONTH: [1, 12, false],
  BYSETPOS: [1, 366, true],
};
const KNOWN_KEYS = new Set([
  'FREQ',
  'INTERVAL',
  'COUNT',
  'UNTIL',
  'WKST',
  'BYDAY',
  ...Object.keys(RANGES),
]);
const WEEKDAY = '(MO|TU|WE|TH|FR|SA|SU)';
const WEEKDAY_ONLY = new RegExp(`^${WEEKDAY}$`);
const BYDAY_ITEM = new RegExp(`^([+-]?([1-9]|[1-4]\\d|5[0-3]))?${WEEKDAY}$`);

function parseDateTime(text: string): number | null {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!match) return null;
  const [y, mo, d, h, mi, s] = match.slice(1).map(Number);
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(wall);
  const real =
    check.getUTCFullYear() === y &&
    check.getUTCMonth() === mo - 1 &&
    check.getUTCDate() === d &&
    h < 24 &&
    mi < 60 &&
    s < 60;
  return real ? wall : null;
}

function checkRuleParts(body: string, errors: string[]): Map<string, string> {
  const parts = new Map<string, string>();
  for (const part of body.split(';')) {
    const [key, value, ...rest] = part.split('=');
    const name = key.toUpperCase();
    if (value === undefined || rest.length > 0 || value === '') {
      errors.push(`RRULE part '${part}' is not KEY=VALUE`);
    } else if (!KNOWN_KEYS.has(name)) {
      errors.push(`unknown RRULE part ${name}`);
    } else if (parts.has(name)) {
      errors.push(`RRULE part ${name} is repeated`);
    } else {
      parts.set(name, value.toUpperCase());
    }
  }
  for (const [name, value] of parts) {
    const range = RANGES[name];
    if (range) {
      const [min, max, signed] = range;
      for (const item of value.split(',')) {
        const number = /^[+-]?\d+$/.test(item) ? Number(item) : NaN;
        const magnitude = Math.abs(number);
        if (
          Number.isNaN(number) ||
          (!signed && number < 0) ||
          magnitude < min ||
          magnitude > max ||
          (number < 0 && !signed)
        ) {
          errors.push(
            `${name} ${item} is out of range ${signed ? `±${min}-${max}` : `${min}-${max}`}`,
          );
        }
      }
    }
  }
  const freq = parts.get('FREQ');
  if (freq === undefined) errors.push('RRULE needs FREQ');
  else if (freq === 'SECONDLY')
    errors.push('FREQ=SECONDLY is not supported (the finest is MINUTELY)');
  else if (!(FREQS as readonly string[]).includes(freq))
    errors.push(`FREQ ${freq} must be one of ${FREQS.join(', ')}`);
  const interval = parts.get('INTERVAL');
  if (interval !== undefined && !/^[1-9]\d{0,5}$/.test(interval))
    errors.push('INTERVAL must be a whole number ≥ 1');
  const count = parts.get('COUNT');
  if (
    count !== undefined &&
    (!/^\d+$/.test(count) ||
      Number(count) < 1 ||
      Number(count) > MAX_RRULE_COUNT)
  ) {
    errors.push(`COUNT must be a whole number from 1 to ${MAX_RRULE_COUNT}`);
  }
  if (count !== undefined && parts.has('UNTIL'))
    errors.push('COUNT and UNTIL cannot both be set');
  const wkst = parts.get('WKST');
  if (wkst !== undefined && !WEEKDAY_ONLY.test(wkst))
    errors.push(`WKST ${wkst} is not a weekday (MO..SU)`);
  const byday = parts.get('BYDAY');
  if (byday !== undefined) {
    for (const item of byday.split(',')) {
      if (!BYDAY_ITEM.test(item)) {
        errors.push(`BYDAY ${item} is not a weekday such as MO, 1MO or -1FR`);
      }
    }
  }
  return parts;
}

/** Parses `DTSTART…\nRRULE:…` text; errors are short human messages. */
export function parseRRuleText(text: string): RRuleParseResult {
  const errors: string[] = [];
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  let dtstartWall: number | null = null;
  let zone: string | null = null;
  let body: string | null = null;
  for (const line of lines) {
    const upper = line.toUpperCase();
    if (upper.startsWith('DTSTART')) {
      const match = /^DTSTART(?:;TZID=([^:;]+))?:(\d{8}T\d{6})(Z?)$/i.exec(
        line,
      );
      if (!match) {
        errors.push(
          `DTSTART must look like DTSTART;TZID=Europe/Berlin:20260105T090000 or DTSTART:20260105T090000Z`,
        );
        continue;
      }
      const [, tzid, value, utc] = match;
      dtstartWall = parseDateTime(value);
      if (dtstartWall === null)
        errors.push(`DTSTART ${value} is not a real date-time`);
      if (tzid !== undefined && utc)
        errors.push('DTSTART cannot have both TZID and Z');
      else if (tzid !== undefined && !isValidTimeZone(tzid))
        errors.push(`unknown TZID '${tzid}'`);
      zone = tzid ?? (utc ? 'UTC' : null);
    } else if (upper.startsWith('RRULE:')) {
      if (body !== null) errors.push('only one RRULE line is supported');
      body = line.slice('RRULE:'.length);
    } else {
      errors.push(
        `unsupported line '${line.split(/[:;]/)[0]}' (only DTSTART and RRULE)`,
      );
    }
  }
  if (body === null) {
    errors.push('missing RRULE line (e.g. RRULE:FREQ=WEEKLY;BYDAY=MO)');
    return { ok: false, errors };
  }
  const parts = checkRuleParts(body, errors);
  let until: ParsedRRule['until'] = null;
  const untilText = parts.get('UNTIL');
  if (untilText !== undefined) {
    const wall = parseDateTime(untilText.replace(/Z$/, ''));
    if (wall === null)
      errors.push(
        `UNTIL ${untilText} must be a date-time like 20271231T235959Z`,
      );
    else until = untilText.endsWith('Z') ? { instant: wall } : { wall };
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    rule: {
      dtstartWall,
      zone,
      parts: ruleParts(parts),
      until,
      body: [...parts]
        .filter(([key]) => key !== 'UNTIL')
        .map(([key, value]) => `${key}=${value}`)
        .join(';'),
    },
  };
}

function numbers(value: string | undefined): number[] | null {
  return value === undefined ? null : value.split(',').map(Number);
}

/** Typed parts of a checked RRULE body. */
function ruleParts(parts: Map<string, string>): RuleParts {
  const byday = parts.get('BYDAY');
  const wkst = parts.get('WKST');
  const count = parts.get('COUNT');
  return {
    freq: FREQS.indexOf(parts.get('FREQ') as (typeof FREQS)[number]),
    interval: Number(parts.get('INTERVAL') ?? 1),
    count: count === undefined ? null : Number(count),
    wkst: wkst === undefined ? 0 : WEEKDAY_CODES.indexOf(wkst as 'MO'),
    bymonth: numbers(parts.get('BYMONTH')),
    byweekno: numbers(parts.get('BYWEEKNO')),
    byyearday: numbers(parts.get('BYYEARDAY')),
    bymonthday: numbers(parts.get('BYMONTHDAY')),
    byday:
      byday === undefined
        ? null
        : byday.split(',').map((item) => ({
            weekday: WEEKDAY_CODES.indexOf(item.slice(-2) as 'MO'),
            n: item.length > 2 ? Number(item.slice(0, -2)) : 0,
          })),
    byhour: numbers(parts.get('BYHOUR')),
    byminute: numbers(parts.get('BYMINUTE')),
    bysecond: numbers(parts.get('BYSECOND')),
    bysetpos: numbers(parts.get('BYSETPOS')),
  };
}
