import { FireEngine } from './compiled-schedule';
import { describeDuration, describeInstant } from './describe';
import { formatInstant } from './iso-time';

/** Fires at `anchor + k·every` for k ≥ 0, in absolute time: DST never moves it. */
export class IntervalSchedule extends FireEngine {
  readonly kind = 'interval' as const;
  readonly timezone = 'UTC';
  readonly text: string;
  readonly description: string;
  protected readonly sourceField = 'schedule.every';

  constructor(
    every: string,
    private readonly everyMs: number,
    private readonly anchor: number,
  ) {
    super();
    this.text = `${every} from ${formatInstant(anchor)}`;
    const unit = describeDuration(everyMs);
    this.description = `every ${unit} from ${describeInstant(anchor)}`;
  }

  protected nextAfter(instant: number, limit: number): number | null {
    const next =
      instant < this.anchor
        ? this.anchor
        : this.anchor +
          (Math.floor((instant - this.anchor) / this.everyMs) + 1) *
            this.everyMs;
    return next <= limit ? next : null;
  }

  protected latestAtOrBefore(instant: number): number | null {
    if (instant < this.anchor) return null;
    return (
      this.anchor +
      Math.floor((instant - this.anchor) / this.everyMs) * this.everyMs
    );
  }
}
