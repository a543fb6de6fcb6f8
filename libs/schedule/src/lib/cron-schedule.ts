import { CronMatcher, type CronFields } from './cron-expression';
import { describeCron } from './describe';
import { STEP_COST, type EvaluationBudget } from './evaluation-budget';
import { WallTimeEngine } from './wall-time-engine';
import { zoneTimeline, type ZoneTimeline } from './zone-timeline';

/**
 * A cron schedule: the expression matched against wall time by `CronMatcher` (field by field, never minute by
 * minute), turned into instants by the segment walk of `WallTimeEngine`. A fixed-hour expression fires a repeated
 * (fall-back) time once; one whose hour field is `*` or a step follows real time.
 */
export class CronSchedule extends WallTimeEngine {
  readonly kind = 'cron' as const;
  readonly description: string;
  protected readonly sourceField = 'schedule.expression';
  protected readonly timeline: ZoneTimeline;
  protected readonly followsRealTime: boolean;
  private readonly matcher: CronMatcher;

  constructor(
    readonly text: string,
    fields: CronFields,
    readonly timezone: string,
  ) {
    super();
    this.matcher = new CronMatcher(fields);
    this.timeline = zoneTimeline(timezone);
    this.followsRealTime = fields.followsRealTime;
    this.description = describeCron(fields, timezone);
  }

  protected nextWall(
    wall: number,
    budget: EvaluationBudget,
    until: number,
  ): number | null {
    budget.spend(STEP_COST.segment);
    const next = this.matcher.nextWall(wall);
    return next !== null && next <= until ? next : null;
  }

  protected previousWall(
    wall: number,
    budget: EvaluationBudget,
  ): number | null {
    budget.spend(STEP_COST.segment);
    return this.matcher.previousWall(wall);
  }
}
