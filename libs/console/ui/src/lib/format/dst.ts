const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

function offsetFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = offsetFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      timeZoneName: 'longOffset',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
    });
    offsetFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** UTC offset of `timeZone` at `instantMs`, in minutes east of UTC (Berlin in summer: 120). Throws on an unknown zone. */
export function zoneOffsetMinutes(instantMs: number, timeZone: string): number {
  const name = offsetFormatter(timeZone)
    .formatToParts(instantMs)
    .find((part) => part.type === 'timeZoneName')?.value;
  // 'GMT' alone means offset zero; otherwise 'GMT+05:30' / 'GMT-04:00'.
  const match = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name ?? '');
  if (!match) {
    throw new RangeError(`Unexpected offset "${name}" for ${timeZone}`);
  }
  if (!match[1]) {
    return 0;
  }
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

/** "UTC+02:00", "UTC−04:00" (true minus sign), "UTC". */
export function formatUtcOffset(offsetMinutes: number): string {
  if (offsetMinutes === 0) {
    return 'UTC';
  }
  const sign = offsetMinutes < 0 ? '−' : '+';
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `UTC${sign}${hh}:${mm}`;
}

/** The offsets before and after a clock change. */
export interface DstChange {
  fromOffsetMinutes: number;
  toOffsetMinutes: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The clock change on the local calendar day (in `timeZone`) that contains `instantMs`, or null.
 *
 * Compares the zone's offset at the start and at the end of that local day; both ends are placed with the
 * instant's own offset, which is at most one DST delta off — harmless because zones change clocks between
 * 01:00 and 03:00 local time, well inside the day. Unknown zones yield null rather than breaking a cell.
 */
export function dstChangeOnLocalDay(
  instantMs: number,
  timeZone: string,
): DstChange | null {
  try {
    const offset = zoneOffsetMinutes(instantMs, timeZone);
    const local = new Date(instantMs + offset * 60_000);
    const localMidnightAsUtc = Date.UTC(
      local.getUTCFullYear(),
      local.getUTCMonth(),
      local.getUTCDate(),
    );
    const dayStart = localMidnightAsUtc - offset * 60_000;
    const dayEnd = dayStart + DAY_MS - 1;
    const fromOffsetMinutes = zoneOffsetMinutes(dayStart, timeZone);
    const toOffsetMinutes = zoneOffsetMinutes(dayEnd, timeZone);
    return fromOffsetMinutes === toOffsetMinutes
      ? null
      : { fromOffsetMinutes, toOffsetMinutes };
  } catch {
    return null;
  }
}

/** Hover text for a DST mark, stating the shift and the scheduler's DST rule (DESIGN §4). */
export function describeDstChange(change: DstChange, timeZone: string): string {
  const direction =
    change.toOffsetMinutes > change.fromOffsetMinutes
      ? 'spring forward'
      : 'fall back';
  return (
    `Daylight-saving change on this day in ${timeZone} (${direction}: ` +
    `${formatUtcOffset(change.fromOffsetMinutes)} → ${formatUtcOffset(change.toOffsetMinutes)}). ` +
    'A local time that does not exist fires shifted forward by the gap; a repeated local time fires once.'
  );
}
