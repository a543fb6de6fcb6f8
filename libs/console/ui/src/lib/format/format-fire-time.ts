import { formatUtcOffset, zoneOffsetMinutes } from './dst';

/** UI copy is English; times use a 24-hour clock so "09:00" reads the same for every viewer. */
const DISPLAY_LOCALE = 'en-GB';
const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsIn(instantMs: number, timeZone: string): Record<string, string> {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(DISPLAY_LOCALE, {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  // Assembled from parts so the text does not depend on the ICU version's separators.
  const parts: Record<string, string> = {};
  for (const part of formatter.formatToParts(instantMs)) {
    parts[part.type] = part.value;
  }
  return parts;
}

/** The viewer's IANA zone as the browser reports it. */
export function viewerTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/**
 * A fire time in the viewer's zone, compactly: "Mon 09:00" within the coming week (weekday is unambiguous),
 * "16 Mar 09:00" further out or in the past, "29 Feb 2028 11:00" when it is not in the viewer's current year.
 */
export function formatFireCompact(
  iso: string,
  viewerZone: string,
  nowMs: number,
): string {
  const instant = Date.parse(iso);
  if (Number.isNaN(instant)) {
    return '—';
  }
  const p = partsIn(instant, viewerZone);
  const time = `${p['hour']}:${p['minute']}`;
  const withinWeek =
    instant >= nowMs - DAY_MS / 2 && instant < nowMs + 6 * DAY_MS;
  return withinWeek
    ? `${p['weekday']} ${time}`
    : `${dayMonthYear(p, partsIn(nowMs, viewerZone))} ${time}`;
}

/**
 * An instant as a date and time in the viewer's zone: "16 Mar 09:00" this year, "16 Mar 2025 09:00" otherwise —
 * every date the console shows carries its year unless it is the viewer's current year.
 */
export function formatDateTime(
  iso: string,
  viewerZone: string,
  nowMs: number,
): string {
  const instant = Date.parse(iso);
  if (Number.isNaN(instant)) {
    return '—';
  }
  const p = partsIn(instant, viewerZone);
  return `${dayMonthYear(p, partsIn(nowMs, viewerZone))} ${p['hour']}:${p['minute']}`;
}

/** "16 Mar", with the year appended when it differs from `now`'s. */
function dayMonthYear(
  p: Record<string, string>,
  now: Record<string, string>,
): string {
  const dayMonth = `${p['day']} ${p['month']}`;
  return p['year'] === now['year'] ? dayMonth : `${dayMonth} ${p['year']}`;
}

/** A full instant in a given zone: "Mon 16 Mar 2026, 09:00 Europe/Berlin (UTC+01:00)". */
export function formatInstantInZone(iso: string, timeZone: string): string {
  const instant = Date.parse(iso);
  if (Number.isNaN(instant)) {
    return iso;
  }
  try {
    const p = partsIn(instant, timeZone);
    const offset = formatUtcOffset(zoneOffsetMinutes(instant, timeZone));
    return `${p['weekday']} ${p['day']} ${p['month']} ${p['year']}, ${p['hour']}:${p['minute']} ${timeZone} (${offset})`;
  } catch {
    return iso;
  }
}

/** Hover text for a fire: the schedule's own zone first (the zone its expression is read in), then the viewer's. */
export function describeFire(
  iso: string,
  scheduleZone: string,
  viewerZone: string,
): string {
  const inSchedule = formatInstantInZone(iso, scheduleZone);
  if (scheduleZone === viewerZone) {
    return inSchedule;
  }
  return `${inSchedule}\nYour time: ${formatInstantInZone(iso, viewerZone)}`;
}
