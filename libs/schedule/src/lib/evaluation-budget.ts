import { ScheduleError } from './schedule-error';

/**
 * The most one fire-time question (a `nextFireTimes`, `previousFireTime`, `firesBetween` or `nextFireWithin` call) may
 * cost. Steps are the bound: deterministic (a question answers the same everywhere, and a test can assert how much
 * one took) and weighted (`STEP_COST`) to about 30-40 ns of CPU each once the code is optimised, so that exhausting
 * them costs ~15-20 ms here — within DESIGN §17's 50 ms even on a machine several times slower. The CPU clock is the
 * last line of defence for work the steps under-count; it allows 200 ms because a cold process on a loaded machine
 * runs the same steps unoptimised, 5-10× slower (measured in Jest here), and a legitimate question must not fail.
 */
export const EVALUATION_BUDGET = { steps: 500_000, milliseconds: 200 };

/** What the engines charge, in steps (calibrated by `tools/bench/schedule-budget.bench.ts`). */
export const STEP_COST = {
  /** Expanding one block of an rrule (a period, or a day of an HOURLY/MINUTELY rule): its arrays and bounds. */
  block: 20,
  /** Testing one day against the day-level parts (BYMONTH, BYMONTHDAY, BYDAY, …). */
  day: 6,
  /** One candidate time produced, or one lattice unit of a day tested. */
  candidate: 1,
  /** A cached block looked up again. */
  cachedBlock: 2,
  /** One UTC-offset segment of the walk, or one cron wall query. */
  segment: 10,
};

/**
 * The clock is read every this many steps, first after this many (`process.cpuUsage` costs ~30 µs here, a step well
 * under 1 µs): a question that ends sooner — nearly all of them — never reads it.
 */
const CLOCK_EVERY_STEPS = 2_048;

/**
 * Milliseconds of CPU this process has used, where the runtime tells (Node's `process.cpuUsage`): on a loaded machine
 * wall time runs several times faster than CPU time, and a question's cost is its CPU. Elsewhere (a browser), wall
 * time. Read through `globalThis` because this library is platform-neutral.
 */
const cpuClock: () => number = (() => {
  const usage = (
    globalThis as {
      process?: { cpuUsage?: () => { user: number; system: number } };
    }
  ).process?.cpuUsage;
  if (typeof usage !== 'function') return () => Date.now();
  return () => {
    const { user, system } = usage();
    return (user + system) / 1000;
  };
})();

/** Thrown when a question about a schedule would cost more than `EVALUATION_BUDGET`. */
export class ScheduleBudgetError extends ScheduleError {
  constructor(
    readonly exhausted: 'steps' | 'milliseconds',
    path = 'schedule',
  ) {
    const message =
      'cannot be evaluated within the budget of one fire-time question (the rule is too sparse or too costly to expand)';
    super(`${path}: ${message}`, [{ path, message }]);
    this.name = 'ScheduleBudgetError';
  }
}

/** Counts the work of one question and throws `ScheduleBudgetError` when it runs out. */
export class EvaluationBudget {
  private spent = 0;
  private nextClockRead = CLOCK_EVERY_STEPS;
  private deadline: number | null = null;

  /** `path` names the field the error blames, e.g. `schedule.rrule`. */
  constructor(
    private readonly path = 'schedule',
    private readonly maxSteps = EVALUATION_BUDGET.steps,
    private readonly milliseconds = EVALUATION_BUDGET.milliseconds,
  ) {}

  /** Steps spent so far. */
  get steps(): number {
    return this.spent;
  }

  spend(steps = 1): void {
    this.spent += steps;
    if (this.spent > this.maxSteps)
      throw new ScheduleBudgetError('steps', this.path);
    if (this.spent >= this.nextClockRead) {
      this.nextClockRead = this.spent + CLOCK_EVERY_STEPS;
      const now = cpuClock();
      // Timed from the first read: the steps before it cost well under a millisecond.
      this.deadline ??= now + this.milliseconds;
      if (now > this.deadline)
        throw new ScheduleBudgetError('milliseconds', this.path);
    }
  }
}
