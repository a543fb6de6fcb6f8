import { FireEngine } from './compiled-schedule';
import { STEP_COST, type EvaluationBudget } from './evaluation-budget';
import type { OffsetSegment, ZoneTimeline } from './zone-timeline';

const HOUR_MS = 3_600_000;
/** UTC offsets lie within −12 h … +14 h: a fire at instant `f` has its wall time within `f ± 16 h`. */
const OFFSET_MARGIN = 16 * HOUR_MS;
/** A segment walk skips ahead (one more wall query) only past stretches longer than this without a fire. */
const SKIP_DISTANCE = 4 * OFFSET_MARGIN;

/**
 * A schedule defined by matching wall times in a zone (cron, rrule), evaluated one UTC-offset segment at a time
 * under DESIGN §4. Within a segment `[S, E)` with offset `o` (and `po` before `S`) the fires are:
 * - each matching wall time `w` in `[S+o, E+o)` at `w − o`, except, after a fall-back, the repeated walls
 *   `[S+o, S+po)` unless the schedule follows real time (their first occurrence fired in the previous segment);
 * - after a spring-forward, each matching wall time in the gap `[S+po, S+o)` at `w − po` (shifted by the gap).
 * `nextAfter` and `latestAtOrBefore` apply the same definition in opposite directions, so they always agree. Past a
 * long stretch without matching walls the walk jumps to the next wall's neighbourhood instead of visiting every
 * segment between (a rule that fires once in decades costs a few wall queries, not a zone scan of decades).
 */
export abstract class WallTimeEngine extends FireEngine {
  protected abstract readonly timeline: ZoneTimeline;
  /** Whether a repeated (fall-back) wall time fires in both occurrences. */
  protected abstract readonly followsRealTime: boolean;

  /** The first matching wall time strictly after `wall` and at or before `until`, or null. */
  protected abstract nextWall(
    wall: number,
    budget: EvaluationBudget,
    until: number,
  ): number | null;
  /** The last matching wall time at or before `wall`, or null. */
  protected abstract previousWall(
    wall: number,
    budget: EvaluationBudget,
  ): number | null;

  private skipsRepeatedWalls(segment: OffsetSegment): boolean {
    return segment.prevOffset > segment.offset && !this.followsRealTime;
  }

  protected nextAfter(
    instant: number,
    limit: number,
    budget: EvaluationBudget,
  ): number | null {
    let cursor = instant;
    let probe = instant;
    // No wall after this can fire by `limit`: searches for walls stop here.
    const lastWall = limit + OFFSET_MARGIN;
    for (;;) {
      budget.spend(STEP_COST.segment);
      if (probe > limit) return null;
      const segment = this.timeline.segmentAt(probe);
      const { start, end, offset, prevOffset } = segment;
      let best: number | null = null;
      const normalFloor = this.skipsRepeatedWalls(segment)
        ? start + prevOffset
        : start + offset;
      const wall = this.nextWall(
        Math.max(cursor + offset, normalFloor - 1),
        budget,
        lastWall,
      );
      if (wall !== null && wall < end + offset) best = wall - offset;
      if (offset > prevOffset) {
        const gapWall = this.nextWall(
          Math.max(cursor + prevOffset, start + prevOffset - 1),
          budget,
          lastWall,
        );
        if (gapWall !== null && gapWall < start + offset) {
          const shifted = gapWall - prevOffset;
          if (shifted < end && (best === null || shifted < best))
            best = shifted;
        }
      }
      if (best !== null) return best <= limit ? best : null;
      if (wall === null) return null;
      probe = end;
      if (wall > end + offset + SKIP_DISTANCE) {
        // Every fire at or after `end` has its wall after `end − margin`, and fires at most a margin before it.
        const ahead = this.nextWall(end - OFFSET_MARGIN, budget, lastWall);
        if (ahead === null) return null;
        probe = Math.max(end, ahead - OFFSET_MARGIN);
      }
      cursor = probe - 1;
    }
  }

  protected latestAtOrBefore(
    instant: number,
    budget: EvaluationBudget,
  ): number | null {
    let cursor = instant;
    for (;;) {
      budget.spend(STEP_COST.segment);
      const segment = this.timeline.segmentAt(cursor);
      const { start, offset, prevOffset } = segment;
      let best: number | null = null;
      const normalFloor = this.skipsRepeatedWalls(segment)
        ? start + prevOffset
        : start + offset;
      const wall = this.previousWall(cursor + offset, budget);
      if (wall !== null && wall >= normalFloor) best = wall - offset;
      if (offset > prevOffset) {
        const gapWall = this.previousWall(
          Math.min(cursor + prevOffset, start + offset - 1),
          budget,
        );
        if (gapWall !== null && gapWall >= start + prevOffset) {
          const shifted = gapWall - prevOffset;
          if (best === null || shifted > best) best = shifted;
        }
      }
      if (best !== null) return best;
      if (wall === null) return null;
      cursor = start - 1;
      if (wall < start - SKIP_DISTANCE) {
        // Every fire before `start` has its wall before `start + margin`, and fires at most a margin after it.
        const behind = this.previousWall(start - 1 + OFFSET_MARGIN, budget);
        if (behind === null) return null;
        cursor = Math.min(cursor, behind + OFFSET_MARGIN);
      }
    }
  }
}
