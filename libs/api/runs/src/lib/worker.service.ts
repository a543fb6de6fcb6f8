import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';

import { RunExecutor, type RunOutcome } from './run-executor';
import { RunsRepository, type ClaimedRun } from './runs.repository';
import { WORKER_OPTIONS, type WorkerOptions } from './worker-options';

/**
 * The worker: a poll loop with `concurrency` slots that claims queued runs and executes them, plus the reaper. It
 * starts with the application when enabled; tests drive it with {@link runOnce}, {@link drain} and {@link reapOnce}.
 */
@Injectable()
export class WorkerService
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  /** Ownership token written into `worker_id`: host, process and a random part (pids repeat across containers). */
  readonly workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly logger = new Logger('Worker');
  private readonly active = new Set<Promise<RunOutcome>>();
  private running = false;
  private polling = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private reapTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly runs: RunsRepository,
    private readonly executor: RunExecutor,
    @Inject(WORKER_OPTIONS) private readonly options: WorkerOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.enabled) this.start();
  }

  /** Stops claiming, then waits (at most `shutdownGraceMs`) for running executions to finish. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Starts the poll loop and the reaper (idempotent). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.logger.log(
      `worker ${this.workerId} started: ${this.options.concurrency} slot(s), poll every ${this.options.pollIntervalMs} ms`,
    );
    this.reapTimer = setInterval(
      () =>
        void this.reapOnce().catch((error: unknown) =>
          this.logger.error(`reaper failed: ${messageOf(error)}`),
        ),
      this.options.reapIntervalMs,
    );
    this.schedulePoll(0);
  }

  async stop(): Promise<void> {
    if (!this.running && this.active.size === 0) return;
    this.running = false;
    clearTimeout(this.pollTimer);
    clearInterval(this.reapTimer);
    if (this.active.size === 0) return;
    this.logger.log(
      `waiting up to ${this.options.shutdownGraceMs} ms for ${this.active.size} running execution(s)`,
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>(
      (resolve) =>
        (timer = setTimeout(
          () => resolve('timeout'),
          this.options.shutdownGraceMs,
        )),
    );
    const finished = await Promise.race([
      Promise.allSettled([...this.active]).then(() => 'done' as const),
      timeout,
    ]);
    clearTimeout(timer);
    if (finished === 'timeout') {
      // Their transactions roll back when the pool closes; the reaper requeues them once the heartbeat expires.
      this.logger.warn(
        `${this.active.size} execution(s) still running at shutdown; left to the reaper`,
      );
    }
  }

  /** Claims up to `concurrency` available runs, executes them and waits for them. Returns how many ran. */
  async runOnce(): Promise<number> {
    const claimed = await this.runs.claim(
      this.workerId,
      this.options.concurrency,
    );
    await Promise.all(claimed.map((run) => this.track(run)));
    return claimed.length;
  }

  /** Runs until no run is available now (runs backed off into the future are left queued). */
  async drain(): Promise<number> {
    let total = 0;
    for (let ran = await this.runOnce(); ran > 0; ran = await this.runOnce())
      total += ran;
    return total;
  }

  /** One reaper pass: runs whose heartbeat expired are requeued with backoff, or failed when out of attempts. */
  async reapOnce(): Promise<number> {
    const reaped = await this.runs.reapExpired(
      this.options.heartbeatExpiryMs,
      this.options,
    );
    for (const run of reaped)
      this.logger.warn(
        `reaped run ${run.id} (heartbeat expired): now ${run.status}`,
      );
    return reaped.length;
  }

  private track(run: ClaimedRun): Promise<RunOutcome> {
    const execution = this.executor
      .execute(run)
      .catch((error: unknown): RunOutcome => {
        // execute() records failures itself; this is a failure to record one (database gone). The reaper recovers it.
        this.logger.error(
          `run ${run.id} could not be finished: ${messageOf(error)}`,
        );
        return 'lost';
      });
    this.active.add(execution);
    void execution.finally(() => {
      this.active.delete(execution);
      // A slot came free: look for more work now rather than at the next interval.
      if (this.running) this.schedulePoll(0);
    });
    return execution;
  }

  private schedulePoll(delayMs: number): void {
    if (!this.running) return;
    clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => void this.poll(), delayMs);
  }

  private async poll(): Promise<void> {
    if (!this.running || this.polling) return;
    this.polling = true;
    let next = this.options.pollIntervalMs;
    try {
      const free = this.options.concurrency - this.active.size;
      if (free > 0) {
        const claimed = await this.runs.claim(this.workerId, free);
        for (const run of claimed) void this.track(run);
        // A full batch suggests more are waiting; slots that free up trigger the next poll themselves.
        if (claimed.length === free) next = 0;
      }
    } catch (error) {
      this.logger.error(`claiming runs failed: ${messageOf(error)}`);
    } finally {
      this.polling = false;
      if (this.active.size < this.options.concurrency) this.schedulePoll(next);
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
