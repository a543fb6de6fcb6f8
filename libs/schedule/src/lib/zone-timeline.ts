import { IANAZone } from 'luxon';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Years of transitions loaded around a lookup; beyond them a segment ends at an artificial boundary. */
const LOOKAHEAD_YEARS = 2;

interface Transition {
  /** First instant (ms) with the new offset. */
  at: number;
  /** Offsets in ms (local = instant + offset). */
  before: number;
  after: number;
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
 * The UTC-offset history of one IANA zone, found once per year by sampling daily and bisecting each change
 * to the minute, so that offset lookups afterwards are a binary search with no `Intl` call.
 */
export class ZoneTimeline {
  private readonly zone: IANAZone;
  private transitions: Transition[] = [];
  private fromYear = 0;
  private toYear = -1;

  constructor(readonly name: string) {
    this.zone = IANAZone.create(name);
    if (!this.zone.isValid) {
      throw new Error(`unknown time zone '${name}'`);
    }
  }

  /** The segment containing `instant`. */
  segmentAt(instant: number): OffsetSegment {
    const year = new Date(instant).getUTCFullYear();
    this.load(year - 1, year + LOOKAHEAD_YEARS);
    const list = this.transitions;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid].at <= instant) lo = mid + 1;
      else hi = mid;
    }
    const index = lo - 1;
    const next = list[index + 1];
    const end = next ? next.at : yearStart(this.toYear + 1);
    if (index >= 0) {
      const t = list[index];
      return { start: t.at, end, offset: t.after, prevOffset: t.before };
    }
    const start = yearStart(this.fromYear);
    const offset = this.sample(start);
    return { start, end, offset, prevOffset: offset };
  }

  /** The UTC offset (ms) in force at `instant`. */
  offsetAt(instant: number): number {
    return this.segmentAt(instant).offset;
  }

  private sample(instant: number): number {
    return this.zone.offset(instant) * MINUTE_MS;
  }

  private load(from: number, to: number): void {
    if (this.toYear < this.fromYear) {
      this.transitions = this.scan(from, to);
      this.fromYear = from;
      this.toYear = to;
      return;
    }
    if (from < this.fromYear) {
      this.transitions = [
        ...this.scan(from, this.fromYear - 1),
        ...this.transitions,
      ];
      this.fromYear = from;
    }
    if (to > this.toYear) {
      this.transitions = [
        ...this.transitions,
        ...this.scan(this.toYear + 1, to),
      ];
      this.toYear = to;
    }
  }

  /** Transitions with `at` in (start of `from`, start of `to + 1`], in order. */
  private scan(from: number, to: number): Transition[] {
    const found: Transition[] = [];
    const end = yearStart(to + 1);
    let previousAt = yearStart(from);
    let previousOffset = this.sample(previousAt);
    while (previousAt < end) {
      const at = Math.min(previousAt + DAY_MS, end);
      const offset = this.sample(at);
      if (offset !== previousOffset) {
        found.push(this.bisect(previousAt, at, previousOffset, offset));
      }
      previousAt = at;
      previousOffset = offset;
    }
    return found;
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
      if (this.sample(mid) === before) lo = mid;
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
