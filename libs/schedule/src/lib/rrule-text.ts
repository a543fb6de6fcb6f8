import { RRule, type Options } from 'rrule';

import { isValidTimeZone } from './zone-timeline';

/** An RRULE document split into what the engine needs; `zone` null means floating (the tenant's zone). */
export interface ParsedRRule {
  /** DTSTART as a wall time (ms whose UTC fields are the local fields); null when absent. */
  dtstartWall: number | null;
  /** TZID, `UTC` for a `Z` DTSTART, null when floating or absent. */
  zone: string | null;
  /** rrule.js options without dtstart, until and tzid. */
  options: Partial<Options>;
  /** UNTIL: a real instant (`Z`) or a floating wall time. */
  until: { instant: number } | { wall: number } | null;
  freq: number;
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
const FREQS = ['YEARLY', 'MONTHLY', 'WEEKLY', 'DAILY', 'HOURLY', 'MINUTELY'];
const WEEKDAY = '(MO|TU|WE|TH|FR|SA|SU)';

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
  else if (!FREQS.includes(freq))
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
  if (wkst !== undefined && !new RegExp(`^${WEEKDAY}$`).test(wkst))
    errors.push(`WKST ${wkst} is not a weekday (MO..SU)`);
  if (
    errors.length === 0 &&
    monthDaysNeverMeet(parts.get('BYMONTH'), parts.get('BYMONTHDAY'))
  ) {
    // rrule.js would search to the year 9999 for a first occurrence (about a second of CPU per request).
    errors.push(
      'BYMONTH and BYMONTHDAY never meet (e.g. February 30): the rule would never fire',
    );
  }
  const byday = parts.get('BYDAY');
  if (byday !== undefined) {
    for (const item of byday.split(',')) {
      if (
        !new RegExp(`^([+-]?([1-9]|[1-4]\\d|5[0-3]))?${WEEKDAY}$`).test(item)
      ) {
        errors.push(`BYDAY ${item} is not a weekday such as MO, 1MO or -1FR`);
      }
    }
  }
  return parts;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** True when no listed month has any listed day of the month (29 February counts: leap years exist). */
function monthDaysNeverMeet(
  byMonth: string | undefined,
  byMonthDay: string | undefined,
): boolean {
  if (byMonth === undefined || byMonthDay === undefined) return false;
  const months = byMonth.split(',').map(Number);
  const days = byMonthDay.split(',').map((day) => Math.abs(Number(day)));
  return months.every((month) =>
    days.every((day) => day > DAYS_IN_MONTH[month - 1]),
  );
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
  const optionsBody = [...parts]
    .filter(([key]) => key !== 'UNTIL')
    .map(([key, value]) => `${key}=${value}`);
  let options: Partial<Options>;
  try {
    options = RRule.parseString(optionsBody.join(';'));
  } catch (error) {
    return {
      ok: false,
      errors: [`RRULE cannot be read: ${(error as Error).message}`],
    };
  }
  delete options.dtstart;
  delete options.tzid;
  delete options.until;
  return {
    ok: true,
    rule: {
      dtstartWall,
      zone,
      options,
      until,
      freq: FREQS.indexOf(parts.get('FREQ') ?? ''),
    },
  };
}
