import { Injectable } from '@nestjs/common';

import type { TenantContext } from '@flow/api/tenancy';
import type {
  Schedule,
  SchedulerStatusResponse,
  SchedulerStatusRow,
} from '@flow/contracts';
import {
  getCompiledSchedule,
  LAG_THRESHOLD_MINUTES,
  lag,
  scheduleKey,
  type CompiledSchedule,
} from '@flow/schedule';

import { SchedulerRepository, type StatusRow } from './scheduler.repository';
import { describeTickHealth } from './tick-health.service';

const NEXT_FIRES = 5;

/** What every row with the same schedule (and, where it matters, the same anchor) shares within one request. */
interface ScheduleView {
  schedule: SchedulerStatusRow['schedule'];
  /** Latest fire ≤ now, or null. */
  previous: Date | null;
  nextFires: string[];
}

/**
 * The status page (DESIGN §8): every scheduled pipeline of the tenant with its lag and next fires, from the same
 * engine the tick uses. One query for the rows; within a request each distinct schedule is parsed, compiled and
 * evaluated once (a tenant's pipelines share few schedules), so a row costs a map lookup and the lag arithmetic.
 */
@Injectable()
export class StatusService {
  constructor(private readonly repository: SchedulerRepository) {}

  async status(tenant: TenantContext): Promise<SchedulerStatusResponse> {
    const { now, lastTickAt, rows } = await this.repository.statusRows(
      tenant.id,
    );
    const tickHealth = describeTickHealth(now, lastTickAt);
    const byRawSchedule = new Map<string, ScheduleView | Error>();
    const byFireSequence = new Map<string, ScheduleView>();
    const viewOf = (row: StatusRow): ScheduleView | Error => {
      const rawKey = `${row.schedule_json}|${row.schedule_since.getTime()}`;
      let view = byRawSchedule.get(rawKey);
      if (view === undefined) {
        view = this.evaluate(row, tenant, now, byFireSequence);
        byRawSchedule.set(rawKey, view);
      }
      return view;
    };
    return {
      generatedAt: now.toISOString(),
      lagThresholdMinutes: LAG_THRESHOLD_MINUTES,
      lastTickAt: lastTickAt ? lastTickAt.toISOString() : null,
      warnings: tickHealth.warning ? [tickHealth.warning] : [],
      pipelines: rows.map((row) => toRow(row, viewOf(row), tenant, now)),
    };
  }

  private evaluate(
    row: StatusRow,
    tenant: TenantContext,
    now: Date,
    byFireSequence: Map<string, ScheduleView>,
  ): ScheduleView | Error {
    try {
      const schedule = JSON.parse(row.schedule_json) as Schedule;
      const defaults = {
        timezone: tenant.timezone,
        anchor: row.schedule_since,
      };
      const key = scheduleKey(schedule, defaults);
      let view = byFireSequence.get(key);
      if (!view) {
        const compiled: CompiledSchedule = getCompiledSchedule(
          schedule,
          defaults,
        );
        view = {
          schedule: {
            type: compiled.kind,
            text: compiled.text,
            timezone: compiled.timezone,
            description: compiled.description,
          },
          previous: compiled.previousFireTime(now),
          nextFires: compiled
            .nextFireTimes(now, NEXT_FIRES)
            .map((fire) => fire.toISOString()),
        };
        byFireSequence.set(key, view);
      }
      return view;
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }
}

function toRow(
  row: StatusRow,
  view: ScheduleView | Error,
  tenant: TenantContext,
  now: Date,
): SchedulerStatusRow {
  const base = {
    id: row.id,
    name: row.name,
    paused: row.paused,
    lastRunAt: iso(row.last_run_at),
    lastRunStatus: row.last_run_status,
  };
  if (view instanceof Error) {
    return {
      ...base,
      schedule: {
        type: 'cron',
        text: row.schedule_json,
        timezone: tenant.timezone,
        description: 'invalid schedule',
      },
      expectedAt: null,
      lagMinutes: null,
      lagLevel: 'none',
      nextFires: [],
      error: `schedule cannot be evaluated: ${view.message}`,
    };
  }
  // A fire at or before the moment the schedule was set was never due (fires are computed strictly after it).
  const expectedAt =
    view.previous && view.previous.getTime() > row.schedule_since.getTime()
      ? view.previous
      : null;
  const { lagMinutes, lagLevel } = lag({
    expectedAt,
    lastRunAt: row.last_run_at,
    now,
    paused: row.paused,
  });
  return {
    ...base,
    schedule: view.schedule,
    expectedAt: iso(expectedAt),
    lagMinutes,
    lagLevel,
    nextFires: view.nextFires,
    ...(row.schedule_error ? { error: row.schedule_error } : {}),
  };
}

function iso(value: Date | null): string | null {
  return value ? value.toISOString() : null;
}
