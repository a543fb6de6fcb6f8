import { FireEngine } from './compiled-schedule';
import { describeDuration, describeInstant } from './describe';
import { formatInstant } from './iso-time';

/** Fires at `anchor + k·every` for k ≥ 0, in absolute time: DST never moves it. */
export class IntervalSchedule extends FireEngine {
  readonly kind = 'interval' as const;
  readonly timezone = 'UTC';
  readonly text: string;
  readonly description: string;

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

  protected nextAfter(instant: number): number {
    if (instant < this.anchor) return this.anchor;
    return (
      this.anchor +
      (Math.floor((instant - this.anchor) / this.everyMs) + 1) * this.everyMs
    );
  }

  protected latestAtOrBefore(instant: number): number | null {
    if (instant < this.anchor) return null;
    return (
      this.anchor +
      Math.floor((instant - this.anchor) / this.everyMs) * this.everyMs
    );
  }
}
