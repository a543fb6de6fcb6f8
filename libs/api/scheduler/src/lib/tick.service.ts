import { Injectable, Logger } from '@nestjs/common';

import type { Schedule, TickResult } from '@flow/contracts';
import { getCompiledSchedule } from '@flow/schedule';

import { planFires, type FirePlan } from './fire-plan';
import { SchedulerRepository, type DuePipelineRow, type FireToDispatch, type PipelineAdvance } from './scheduler.repository';

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
export class TickService {
  private readonly logger = new Logger(TickService.name);

  constructor(private readonly repository: SchedulerRepository) {}

  async tick(options: TickOptions): Promise<TickResult> {
    const started = performance.now();
    const runner = await this.repository.openTickConnection();
    let locked = false;
    try {
      locked = await this.repository.tryLock(runner);
      if (!locked) {
        await this.repository.recordTick(options.caller, 'skipped', 'lock held by another tick', Math.round(performance.now() - started));
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
        await this.repository.recordTick(options.caller, 'failed', message, Math.round(performance.now() - started)).catch(() => undefined);
        throw error;
      }
    } finally {
      // Always free the lock, also after an error; if the connection itself died, PostgreSQL already released it.
      if (locked) await this.repository.unlock(runner).catch(() => undefined);
      await runner.release();
    }
  }

  private async dispatchDue(runner: Parameters<SchedulerRepository['tryLock']>[0], options: TickOptions, started: number): Promise<TickResult> {
    const now = options.now ?? (await this.repository.transactionNow(runner));
    const tickId = await this.repository.insertTick(runner, options.caller, now);
    const counts: TickCounts = { due: 0, dispatched: 0, coalesced: 0, skippedByPolicy: 0, failed: 0 };
    const failures: { pipelineId: string; error: string }[] = [];
    let after: { fireAt: Date; id: string } | null = null;
    for (;;) {
      const batch = await this.repository.dueBatch(runner, now, TICK_BATCH_SIZE, after);
      if (batch.length === 0) break;
      const last = batch[batch.length - 1];
      after = { fireAt: last.next_fire_at, id: last.id };
      const { fires, advances, batchFailures } = this.planBatch(batch, now, counts);
      failures.push(...batchFailures);
      if (fires.length > 0 || advances.length > 0) {
        const { dispatched, heldBack } = await this.repository.dispatch(runner, tickId, fires, advances);
        counts.dispatched += dispatched;
        counts.skippedByPolicy += heldBack;
      }
      await this.repository.markScheduleErrors(runner, batchFailures);
      if (batch.length < TICK_BATCH_SIZE) break;
    }
    counts.failed = failures.length;
    const durationMs = Math.round(performance.now() - started);
    await this.repository.finishTick(runner, tickId, { ...counts, durationMs }, failures);
    return { skipped: false, tickId, ...counts, durationMs };
  }

  /** Plans a batch: each distinct schedule (with its zone, anchor and pending fire) is evaluated once. */
  private planBatch(batch: DuePipelineRow[], now: Date, counts: TickCounts) {
    const plans = new Map<string, FirePlan | Error>();
    const fires: FireToDispatch[] = [];
    const advances: PipelineAdvance[] = [];
    const batchFailures: { pipelineId: string; error: string }[] = [];
    for (const row of batch) {
      counts.due++;
      const key = `${row.schedule_json}|${row.timezone}|${row.schedule_since.getTime()}|${row.next_fire_at.getTime()}`;
      let plan = plans.get(key);
      let schedule: Schedule | null = null;
      try {
        schedule = JSON.parse(row.schedule_json) as Schedule;
        if (plan === undefined) {
          const compiled = getCompiledSchedule(schedule, { timezone: row.timezone, anchor: row.schedule_since });
          plan = planFires(compiled, schedule, row.next_fire_at, now);
          plans.set(key, plan);
        }
      } catch (error) {
        plan = error instanceof Error ? error : new Error(String(error));
        plans.set(key, plan);
      }
      if (plan instanceof Error || !schedule) {
        // A schedule that cannot be evaluated is reported and passed over; it never breaks the tick for others.
        batchFailures.push({ pipelineId: row.id, error: `schedule cannot be evaluated: ${plan instanceof Error ? plan.message : 'invalid'}` });
        continue;
      }
      counts.coalesced += plan.coalesced;
      counts.skippedByPolicy += plan.skippedByPolicy;
      const skipIfActive = (schedule.overlap ?? 'skip') === 'skip';
      for (const scheduledFor of plan.fires) fires.push({ pipelineId: row.id, tenantId: row.tenant_id, scheduledFor, skipIfActive });
      advances.push({ pipelineId: row.id, nextFireAt: plan.nextFireAt });
    }
    return { fires, advances, batchFailures };
  }
}
