import { Injectable } from '@nestjs/common';

import type { TenantContext } from '@flow/api/tenancy';
import type { Schedule, SchedulerStatusResponse, SchedulerStatusRow } from '@flow/contracts';
import { getCompiledSchedule, LAG_THRESHOLD_MINUTES, lag, scheduleKey, type CompiledSchedule } from '@flow/schedule';

import { SchedulerRepository, type StatusRow } from './scheduler.repository';
import { describeTickHealth } from './tick-health.service';

const NEXT_FIRES = 5;

interface FireWindow {
  /** Latest fire ≤ now, or null. */
  previous: Date | null;
  next: Date[];
}

/**
 * The status page (DESIGN §8): every scheduled pipeline of the tenant with its lag and next fires, from the same
 * engine the tick uses. One query for the rows; each distinct schedule's fire window is computed once per request.
 */
@Injectable()
export class StatusService {
  constructor(private readonly repository: SchedulerRepository) {}

  async status(tenant: TenantContext): Promise<SchedulerStatusResponse> {
    const { now, lastTickAt, rows } = await this.repository.statusRows(tenant.id);
    const windows = new Map<string, FireWindow>();
    const tickHealth = describeTickHealth(now, lastTickAt);
    return {
      generatedAt: now.toISOString(),
      lagThresholdMinutes: LAG_THRESHOLD_MINUTES,
      lastTickAt: lastTickAt ? lastTickAt.toISOString() : null,
      warnings: tickHealth.warning ? [tickHealth.warning] : [],
      pipelines: rows.map((row) => this.toRow(row, tenant, now, windows)),
    };
  }

  private toRow(row: StatusRow, tenant: TenantContext, now: Date, windows: Map<string, FireWindow>): SchedulerStatusRow {
    const base = { id: row.id, name: row.name, paused: row.paused, lastRunAt: iso(row.last_run_at), lastRunStatus: row.last_run_status };
    const defaults = { timezone: tenant.timezone, anchor: row.schedule_since };
    let schedule: Schedule;
    let compiled: CompiledSchedule;
    try {
      schedule = JSON.parse(row.schedule_json) as Schedule;
      compiled = getCompiledSchedule(schedule, defaults);
    } catch (error) {
      return {
        ...base,
        schedule: { type: 'cron', text: row.schedule_json, timezone: tenant.timezone, description: 'invalid schedule' },
        expectedAt: null,
        lagMinutes: null,
        lagLevel: 'none',
        nextFires: [],
        error: `schedule cannot be evaluated: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    const key = scheduleKey(schedule, defaults);
    let window = windows.get(key);
    if (!window) {
      window = { previous: compiled.previousFireTime(now), next: compiled.nextFireTimes(now, NEXT_FIRES) };
      windows.set(key, window);
    }
    // A fire at or before the moment the schedule was set was never due (fires are computed strictly after it).
    const expectedAt = window.previous && window.previous.getTime() > row.schedule_since.getTime() ? window.previous : null;
    const { lagMinutes, lagLevel } = lag({ expectedAt, lastRunAt: row.last_run_at, now, paused: row.paused });
    return {
      ...base,
      schedule: { type: compiled.kind, text: compiled.text, timezone: compiled.timezone, description: compiled.description },
      expectedAt: iso(expectedAt),
      lagMinutes,
      lagLevel,
      nextFires: window.next.map((fire) => fire.toISOString()),
      ...(row.schedule_error ? { error: row.schedule_error } : {}),
    };
  }
}

function iso(value: Date | null): string | null {
  return value ? value.toISOString() : null;
}
