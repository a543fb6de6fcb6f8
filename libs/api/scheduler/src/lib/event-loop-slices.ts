import { performance } from 'node:perf_hooks';

/** How long one slice of a big response may hold the event loop before other requests get their turn. */
export const SLICE_BUDGET_MS = 8;

/**
 * Cooperative slicing for CPU work whose size the tenant decides (10,000 status rows): call `yieldIfDue()` between
 * units of work; once the slice has run `budgetMs`, it yields to the event loop (`setImmediate`, so pending I/O —
 * other requests, `/health/live` — runs first) and starts a new slice.
 */
export class EventLoopSlices {
  private sliceStart = performance.now();

  constructor(private readonly budgetMs = SLICE_BUDGET_MS) {}

  async yieldIfDue(): Promise<void> {
    if (performance.now() - this.sliceStart < this.budgetMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.sliceStart = performance.now();
  }
}
