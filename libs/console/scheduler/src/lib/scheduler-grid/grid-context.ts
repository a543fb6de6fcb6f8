import type { Signal } from '@angular/core';

/** Shared with every cell renderer through ag-grid's `context`; signals so cells re-render without a grid refresh. */
export interface SchedulerGridContext {
  /** Current time (ms), ticking every second. */
  now: Signal<number>;
  /** The zone the viewer reads times in. */
  viewerZone: Signal<string>;
  /** Lag in minutes at which a pipeline turns amber. */
  thresholdMinutes: Signal<number>;
}
