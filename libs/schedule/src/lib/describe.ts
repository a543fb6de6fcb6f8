import { MONTH_NAMES, WEEKDAY_NAMES, type CronFields } from './cron-expression';

const MINUTE_MS = 60_000;

/** `a`, `a and b`, `a, b and c`. */
export function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

function plural(count: number, unit: string): string {
  return count === 1 ? unit : `${count} ${unit}s`;
}

function singleValue(text: string): number | null {
  return /^\d+$/.test(text) ? Number(text) : null;
}

function everyStep(text: string): number | null {
  const match = /^\*\/(\d+)$/.exec(text);
  return match ? Number(match[1]) : null;
}

function listedValues(text: string): number[] | null {
  if (!/^\d+(,\d+)*$/.test(text)) return null;
  return text.split(',').map(Number);
}

function timePart(minute: string, hour: string): string {
  const minuteValue = singleValue(minute);
  const hours = listedValues(hour);
  if (minute === '*' && hour === '*') return 'every minute';
  const minuteStep = everyStep(minute);
  if (minuteStep !== null && hour === '*')
    return `every ${plural(minuteStep, 'minute')}`;
  if (minuteValue !== null && hour === '*')
    return `every hour at minute ${minuteValue}`;
  const hourStep = everyStep(hour);
  if (minuteValue !== null && hourStep !== null)
    return `every ${plural(hourStep, 'hour')} at minute ${minuteValue}`;
  if (minuteValue !== null && hours !== null && hours.length <= 6) {
    return `at ${joinWords(hours.map((h) => `${pad(h)}:${pad(minuteValue)}`))}`;
  }
  return `at minute ${minute} past hour ${hour}`;
}

function weekdaysPart(text: string, values: readonly boolean[]): string {
  if (/^(1-5|mon-fri)$/i.test(text)) return 'on weekdays';
  const days = WEEKDAY_NAMES.filter((_, index) => values[index]);
  return `on ${joinWords(days)}`;
}

/** Human text for a parsed cron expression in `zone`; pure minute steps follow real time and omit the zone. */
export function describeCron(fields: CronFields, zone: string): string {
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields.source;
  const time = timePart(minute, hour);
  const days: string[] = [];
  const domValue = singleValue(dayOfMonth);
  const monthValue = singleValue(month);
  if (
    dayOfMonth !== '*' &&
    dayOfWeek === '*' &&
    domValue !== null &&
    monthValue !== null
  ) {
    days.push(`on ${MONTH_NAMES[monthValue - 1]} ${domValue}`);
  } else {
    const domText =
      dayOfMonth === '*'
        ? null
        : `on day ${dayOfMonth.replace(/,/g, ', ')} of the month`;
    const dowText =
      dayOfWeek === '*' ? null : weekdaysPart(dayOfWeek, fields.daysOfWeek);
    if (domText && dowText)
      days.push(
        `${domText} ${fields.dayOfMonthStar || fields.dayOfWeekStar ? 'if' : 'or'} ${dowText}`,
      );
    else if (domText ?? dowText) days.push((domText ?? dowText) as string);
    if (month !== '*') {
      const months = MONTH_NAMES.filter((_, index) => fields.months[index + 1]);
      days.push(`in ${joinWords(months)}`);
    }
  }
  const daily =
    days.length === 0 &&
    time.startsWith('at ') &&
    !time.startsWith('at minute');
  const text = [time, ...(daily ? ['every day'] : days)].join(' ');
  const realTime =
    days.length === 0 &&
    hour === '*' &&
    (minute === '*' || everyStep(minute) !== null);
  return realTime ? text : `${text} (${zone})`;
}

/** `15 minutes`, `hour`, `2 days` for a fixed duration in ms. */
export function describeDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return plural(ms / 86_400_000, 'day');
  if (ms % 3_600_000 === 0) return plural(ms / 3_600_000, 'hour');
  if (ms % MINUTE_MS === 0) return plural(ms / MINUTE_MS, 'minute');
  return plural(ms / 1000, 'second');
}

/** `2026-01-01 00:00 UTC` (seconds only when not zero). */
export function describeInstant(instant: number): string {
  const iso = new Date(instant).toISOString();
  const seconds =
    iso.slice(17, 19) === '00' && iso.slice(20, 23) === '000'
      ? ''
      : iso.slice(16, 19);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}${seconds} UTC`;
}
