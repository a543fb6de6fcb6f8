import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';

import { AppLifecycle, FlowMetrics } from '@flow/api/core';

import type { Schedule, TickResult } from '@flow/contracts';
import { getCompiledSchedule, scheduleKey } from '@flow/schedule';

import { planFires, type FirePlan } from './fire-plan';
import {
  SchedulerRepository,
  type DuePipelineRow,
  type FireToDispatch,
  type PipelineAdvance,
} from './scheduler.repository';

export const TICK_BATCH_SIZE = 5_000;

export interface TickOptions {
  /** Who called: `http`, `internal`, or a label (kept in the ledger). */
  caller: string;
  /** Tests only: the instant to tick at instead of the database clock. */
  now?: Date;
}

interface TickCounts {
  due: number;
  dispatched: number;
  coalesced: number;
  skippedByPolicy: number;
  failed: number;
}

/**
 * The tick (DESIGN §5): under `pg_try_advisory_lock(0x666c6f77)` on a connection of its own, in one transaction,
 * dispatch every due pipeline's fires exactly once and advance `next_fire_at`. A retry that arrives after a
 * committed tick finds nothing due; a concurrent one finds the lock held and answers `skipped`. Fires are computed
 * once per distinct (schedule, zone, anchor, next fire), so thousands of pipelines sharing a schedule cost one
 * computation.
 */
@Injectable()
export class TickService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(TickService.name);
  private readonly inFlight = new Set<Promise<TickResult>>();

  constructor(
    private readonly repository: SchedulerRepository,
    private readonly lifecycle: AppLifecycle,
    private readonly metrics: FlowMetrics,
  ) {}

  /** On SIGTERM: refuse new ticks and let the running one commit (or roll back) and release the lock. */
  async beforeApplicationShutdown(): Promise<void> {
    this.lifecycle.beginDrain();
    await Promise.allSettled([...this.inFlight]);
  }

  async tick(options: TickOptions): Promise<TickResult> {
    if (this.lifecycle.draining)
      return { skipped: true, reason: 'shutting_down' };
    const running = this.runTick(options);
    this.inFlight.add(running);
    try {
      const result = await running;
      this.record(result);
      return result;
    } catch (error) {
      this.metrics.ticks.inc({ outcome: 'failed' });
      throw error;
    } finally {
      this.inFlight.delete(running);
    }
  }

  private record(result: TickResult): void {
    const outcome = result.skipped ? 'skipped' : 'dispatched';
    this.metrics.ticks.inc({ outcome });
    if (result.skipped) return;
    this.metrics.tickDuration.observe({ outcome }, result.durationMs / 1000);
    this.metrics.runsDispatched.inc(result.dispatched);
    this.metrics.firesCoalesced.inc(result.coalesced);
    this.metrics.firesSkippedByPolicy.inc(result.skippedByPolicy);
  }

  private async runTick(options: TickOptions): Promise<TickResult> {
    const started = performance.now();
    const runner = await this.repository.openTickConnection();
    let locked = false;
    try {
      locked = await this.repository.tryLock(runner);
      if (!locked) {
        await this.repository.recordTick(
          options.caller,
          'skipped',
          'lock held by another tick',
          Math.round(performance.now() - started),
        );
        return { skipped: true, reason: 'locked' };
      }
      await runner.startTransaction();
      try {
        const result = await this.dispatchDue(runner, options, started);
        await runner.commitTransaction();
        return result;
      } catch (error) {
        await runner.rollbackTransaction().catch(() => undefined);
        const message = error instanceof Error ? error.message : String(error);
        this.logger.error(`Tick failed and was rolled back: ${message}`);
        await this.repository
          .recordTick(
            options.caller,
            'failed',
            message,
            Math.round(performance.now() - started),
          )
          .catch(() => undefined);
        throw error;
      }
    } finally {
      // Always free the lock, also after an error; if the connection itself died, PostgreSQL already released it.
      if (locked) await this.repository.unlock(runner).catch(() => undefined);
      await runner.release();
    }
  }

  private async dispatchDue(
    runner: Parameters<SchedulerRepository['tryLock']>[0],
    options: TickOptions,
    started: number,
  ): Promise<TickResult> {
    const now = options.now ?? (await this.repository.transactionNow(runner));
    const tickId = await this.repository.insertTick(
      runner,
      options.caller,
      now,
    );
    const counts: TickCounts = {
      due: 0,
      dispatched: 0,
      coalesced: 0,
      skippedByPolicy: 0,
      failed: 0,
    };
    const failures: { pipelineId: string; error: string }[] = [];
    let after: { fireAt: Date; id: string } | null = null;
    for (;;) {
      const batch = await this.repository.dueBatch(
        runner,
        now,
        TICK_BATCH_SIZE,
        after,
      );
      if (batch.length === 0) break;
      const last = batch[batch.length - 1];
      after = { fireAt: last.next_fire_at, id: last.id };
      const { fires, advances, batchFailures } = this.planBatch(
        batch,
        now,
        counts,
      );
      failures.push(...batchFailures);
      if (fires.length > 0 || advances.length > 0) {
        const { dispatched, heldBack, lagSeconds } =
          await this.repository.dispatch(runner, tickId, now, fires, advances);
        for (const seconds of lagSeconds)
          this.metrics.dispatchLag.observe(seconds);
        counts.dispatched += dispatched;
        counts.skippedByPolicy += heldBack;
      }
      await this.repository.markScheduleErrors(runner, batchFailures);
      if (batch.length < TICK_BATCH_SIZE) break;
    }
    counts.failed = failures.length;
    const durationMs = Math.round(performance.now() - started);
    await this.repository.finishTick(
      runner,
      tickId,
      { ...counts, durationMs },
      failures,
    );
    return { skipped: false, tickId, ...counts, durationMs };
  }

  /**
   * Plans a batch. Each distinct fire sequence (`scheduleKey`: schedule, and the zone or anchor only where they
   * matter) with the same pending fire and misfire policy is planned once, however many pipelines share it.
   */
  private planBatch(batch: DuePipelineRow[], now: Date, counts: TickCounts) {
    const parsed = new Map<string, Schedule | Error>();
    const plans = new Map<string, FirePlan | Error>();
    const fires: FireToDispatch[] = [];
    const advances: PipelineAdvance[] = [];
    const batchFailures: { pipelineId: string; error: string }[] = [];
    for (const row of batch) {
      counts.due++;
      let schedule = parsed.get(row.schedule_json);
      if (schedule === undefined) {
        schedule = parseSchedule(row.schedule_json);
        parsed.set(row.schedule_json, schedule);
      }
      let plan: FirePlan | Error | undefined =
        schedule instanceof Error ? schedule : undefined;
      if (!(schedule instanceof Error)) {
        const defaults = { timezone: row.timezone, anchor: row.schedule_since };
        const key = `${scheduleKey(schedule, defaults)}|${row.next_fire_at.getTime()}|${schedule.misfire ?? ''}|${schedule.maxCatchup ?? ''}`;
        plan = plans.get(key);
        if (plan === undefined) {
          try {
            plan = planFires(
              getCompiledSchedule(schedule, defaults),
              schedule,
              row.next_fire_at,
              now,
            );
          } catch (error) {
            plan = error instanceof Error ? error : new Error(String(error));
          }
          plans.set(key, plan);
        }
      }
      if (
        plan instanceof Error ||
        schedule instanceof Error ||
        plan === undefined
      ) {
        // A schedule that cannot be evaluated is reported and passed over; it never breaks the tick for others.
        batchFailures.push({
          pipelineId: row.id,
          error: `schedule cannot be evaluated: ${plan instanceof Error ? plan.message : 'invalid'}`,
        });
        continue;
      }
      counts.coalesced += plan.coalesced;
      counts.skippedByPolicy += plan.skippedByPolicy;
      const skipIfActive = (schedule.overlap ?? 'skip') === 'skip';
      for (const scheduledFor of plan.fires)
        fires.push({
          pipelineId: row.id,
          tenantId: row.tenant_id,
          scheduledFor,
          skipIfActive,
        });
      advances.push({
        pipelineId: row.id,
        nextFireAt: plan.nextFireAt,
        previousFireAt: plan.previousFireAt,
      });
    }
    return { fires, advances, batchFailures };
  }
}

function parseSchedule(json: string): Schedule | Error {
  try {
    const schedule = JSON.parse(json) as Schedule | null;
    return schedule && typeof schedule === 'object'
      ? schedule
      : new Error('no schedule');
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}
