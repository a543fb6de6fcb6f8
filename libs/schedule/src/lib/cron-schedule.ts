import { CronMatcher, type CronFields } from './cron-expression';
import { FireEngine } from './compiled-schedule';
import { describeCron } from './describe';
import {
  zoneTimeline,
  type OffsetSegment,
  type ZoneTimeline,
} from './zone-timeline';

/** Fires are searched this far (about 400 years) before giving up; a valid expression fires far sooner. */
const MAX_SEGMENTS = 2_000;

/**
 * A cron schedule evaluated one UTC-offset segment at a time. Within a segment `[S, E)` with offset `o`
 * (and `po` before `S`) the fires are:
 * - each matching wall time `w` in `[S+o, E+o)` at `w − o`, except, after a fall-back, the repeated walls
 *   `[S+o, S+po)` unless the hour field follows real time (their first occurrence fired in the previous segment);
 * - after a spring-forward, each matching wall time in the gap `[S+po, S+o)` at `w − po` (shifted by the gap).
 * `nextAfter` and `latestAtOrBefore` apply the same definition in opposite directions, so they always agree.
 */
export class CronSchedule extends FireEngine {
  readonly kind = 'cron' as const;
  readonly description: string;
  private readonly matcher: CronMatcher;
  private readonly timeline: ZoneTimeline;

  constructor(
    readonly text: string,
    private readonly fields: CronFields,
    readonly timezone: string,
  ) {
    super();
    this.matcher = new CronMatcher(fields);
    this.timeline = zoneTimeline(timezone);
    this.description = describeCron(fields, timezone);
  }

  private skipsRepeatedWalls(segment: OffsetSegment): boolean {
    return segment.prevOffset > segment.offset && !this.fields.followsRealTime;
  }

  protected nextAfter(instant: number): number | null {
    let cursor = instant;
    let probe = instant;
    for (let i = 0; i < MAX_SEGMENTS; i++) {
      const segment = this.timeline.segmentAt(probe);
      const { start, end, offset, prevOffset } = segment;
      let best: number | null = null;
      const normalFloor = this.skipsRepeatedWalls(segment)
        ? start + prevOffset
        : start + offset;
      const wall = this.matcher.nextWall(
        Math.max(cursor + offset, normalFloor - 1),
      );
      if (wall !== null && wall < end + offset) best = wall - offset;
      if (offset > prevOffset) {
        const gapWall = this.matcher.nextWall(
          Math.max(cursor + prevOffset, start + prevOffset - 1),
        );
        if (gapWall !== null && gapWall < start + offset) {
          const shifted = gapWall - prevOffset;
          if (shifted < end && (best === null || shifted < best))
            best = shifted;
        }
      }
      if (best !== null) return best;
      if (wall === null) return null;
      cursor = end - 1;
      probe = end;
    }
    return null;
  }

  protected latestAtOrBefore(instant: number): number | null {
    let cursor = instant;
    for (let i = 0; i < MAX_SEGMENTS; i++) {
      const segment = this.timeline.segmentAt(cursor);
      const { start, offset, prevOffset } = segment;
      let best: number | null = null;
      const normalFloor = this.skipsRepeatedWalls(segment)
        ? start + prevOffset
        : start + offset;
      const wall = this.matcher.previousWall(cursor + offset);
      if (wall !== null && wall >= normalFloor) best = wall - offset;
      if (offset > prevOffset) {
        const gapWall = this.matcher.previousWall(
          Math.min(cursor + prevOffset, start + offset - 1),
        );
        if (gapWall !== null && gapWall >= start + prevOffset) {
          const shifted = gapWall - prevOffset;
          if (best === null || shifted > best) best = shifted;
        }
      }
      if (best !== null) return best;
      if (wall === null) return null;
      cursor = start - 1;
    }
    return null;
  }
}
