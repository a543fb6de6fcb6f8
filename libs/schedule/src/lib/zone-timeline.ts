import { IANAZone } from 'luxon';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/**
 * Offsets are sampled this far apart, then each change is bisected to the minute. Since 1970 no zone changed its
 * offset twice within 7 days (the closest: Brazil's 1999-2000 changes, 7 days apart), so 6 days never hides a pair.
 */
const SAMPLE_STEP_MS = 6 * DAY_MS;

interface Transition {
  /** First instant (ms) with the new offset. */
  at: number;
  /** Offsets in ms (local = instant + offset). */
  before: number;
  after: number;
}

/** One UTC year of a zone: the offset at its start and the changes within it. */
interface ZoneYear {
  startOffset: number;
  transitions: Transition[];
}

/**
 * A stretch of absolute time with one UTC offset. `prevOffset` is the offset just before `start`:
 * greater than `offset` after a fall-back, smaller after a spring-forward, equal at an artificial boundary.
 */
export interface OffsetSegment {
  start: number;
  end: number;
  offset: number;
  prevOffset: number;
}

function yearStart(year: number): number {
  return Date.UTC(year, 0, 1);
}

/**
 * Reads a zone's UTC offset from `Intl` (`longOffset`, e.g. `GMT-05:00`): one format call, about 5 µs here, where
 * luxon's `IANAZone.offset` takes about 25 µs.
 */
function offsetReader(zone: string): (instant: number) => number {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    timeZoneName: 'longOffset',
  });
  return (instant) => {
    const text = format.format(instant);
    const match = /GMT([+-])(\d{2}):(\d{2})(?::(\d{2}))?/.exec(text);
    if (!match) return 0;
    const [, sign, hours, minutes, seconds] = match;
    const ms =
      (Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds ?? 0)) *
      1000;
    return sign === '-' ? -ms : ms;
  };
}

/**
 * The UTC-offset history of one IANA zone, read one UTC year at a time (on first use, ~0.5 ms) by sampling every
 * 6 days and bisecting each change to the minute; lookups afterwards are a binary search with no `Intl` call.
 * A year boundary is an artificial segment boundary (same offset on both sides), so a question about 2026 never
 * loads the years between it and a DTSTART in 1990.
 */
export class ZoneTimeline {
  private readonly years = new Map<number, ZoneYear>();
  private readonly readOffset: (instant: number) => number;

  constructor(readonly name: string) {
    if (!IANAZone.create(name).isValid) {
      throw new Error(`unknown time zone '${name}'`);
    }
    this.readOffset = offsetReader(name);
  }

  /** The segment containing `instant`. */
  segmentAt(instant: number): OffsetSegment {
    const year = new Date(instant).getUTCFullYear();
    const { startOffset, transitions } = this.year(year);
    let lo = 0;
    let hi = transitions.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (transitions[mid].at <= instant) lo = mid + 1;
      else hi = mid;
    }
    const next = transitions[lo];
    const end = next ? next.at : yearStart(year + 1);
    if (lo === 0)
      return {
        start: yearStart(year),
        end,
        offset: startOffset,
        prevOffset: startOffset,
      };
    const t = transitions[lo - 1];
    return { start: t.at, end, offset: t.after, prevOffset: t.before };
  }

  /** The UTC offset (ms) in force at `instant`. */
  offsetAt(instant: number): number {
    return this.segmentAt(instant).offset;
  }

  private year(year: number): ZoneYear {
    let found = this.years.get(year);
    if (!found) {
      found = this.scan(year);
      this.years.set(year, found);
    }
    return found;
  }

  /** The offset at the start of `year` and the transitions with `at` in [start of `year`, start of `year + 1`). */
  private scan(year: number): ZoneYear {
    const transitions: Transition[] = [];
    // Transitions fall on whole minutes: sampling from the minute before the year finds one at its very start.
    const end = yearStart(year + 1) - MINUTE_MS;
    let previousAt = yearStart(year) - MINUTE_MS;
    let previousOffset = this.readOffset(previousAt);
    const startOffset = previousOffset;
    while (previousAt < end) {
      const at = Math.min(previousAt + SAMPLE_STEP_MS, end);
      const offset = this.readOffset(at);
      if (offset !== previousOffset) {
        transitions.push(this.bisect(previousAt, at, previousOffset, offset));
      }
      previousAt = at;
      previousOffset = offset;
    }
    return { startOffset, transitions };
  }

  private bisect(
    lo: number,
    hi: number,
    before: number,
    after: number,
  ): Transition {
    // Invariant: offset(lo) == before, offset(hi) == after; transitions fall on whole minutes.
    while (hi - lo > MINUTE_MS) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
      if (this.readOffset(mid) === before) lo = mid;
      else hi = mid;
    }
    return { at: hi, before, after };
  }
}

const timelines = new Map<string, ZoneTimeline>();

/** The shared timeline of `zone` (throws for an unknown zone). */
export function zoneTimeline(zone: string): ZoneTimeline {
  let timeline = timelines.get(zone);
  if (!timeline) {
    timeline = new ZoneTimeline(zone);
    timelines.set(zone, timeline);
  }
  return timeline;
}

const zoneValidity = new Map<string, boolean>();

/** Whether `zone` is an IANA zone name that this runtime knows (memoised: the check builds an `Intl` formatter). */
export function isValidTimeZone(zone: string): boolean {
  let valid = zoneValidity.get(zone);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(zone);
    if (zoneValidity.size < 1_000) zoneValidity.set(zone, valid);
  }
  return valid;
}

/**
 * The instants at which the local wall time `wall` (ms whose UTC fields are the local fields) fires under
 * DESIGN §4: a time in a spring-forward gap is read with the offset before the gap; a repeated time
 * means its first occurrence, or both occurrences when `bothOccurrences` (schedules that follow real time).
 */
export function wallToInstants(
  timeline: ZoneTimeline,
  wall: number,
  bothOccurrences: boolean,
): number[] {
  const found: number[] = [];
  const horizon = 15 * 3_600_000;
  let gapInstant: number | null = null;
  let segment = timeline.segmentAt(wall - horizon);
  for (;;) {
    const instant = wall - segment.offset;
    if (instant >= segment.start && instant < segment.end) found.push(instant);
    if (
      segment.offset > segment.prevOffset &&
      wall >= segment.start + segment.prevOffset &&
      wall < segment.start + segment.offset
    ) {
      gapInstant = wall - segment.prevOffset;
    }
    if (segment.end > wall + horizon) break;
    segment = timeline.segmentAt(segment.end);
  }
  if (found.length === 0) return gapInstant === null ? [] : [gapInstant];
  return bothOccurrences ? found : [found[0]];
}
