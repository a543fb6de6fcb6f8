import { createHash } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import type { TenantContext } from '@flow/api/tenancy';
import type { Schedule, SchedulerStatusRow } from '@flow/contracts';
import {
  getCompiledSchedule,
  LAG_THRESHOLD_MINUTES,
  scheduleKey,
} from '@flow/schedule';

import { EventLoopSlices } from './event-loop-slices';
import {
  SchedulerRepository,
  type StatusPageInput,
  type StatusPageRow,
} from './scheduler.repository';
import { BoundedCache } from './status-cache';
import {
  encodeStatusCursor,
  parseStatusQuery,
  type StatusQuery,
} from './status-query';
import { describeTickHealth } from './tick-health.service';

const NEXT_FIRES = 5;
const MINUTE_MS = 60_000;
/**
 * How long a tenant's version, once read, answers for the requests that follow: consoles polling together share one
 * version query per second instead of one each (a change shows within this delay).
 */
export const STATUS_VERSION_TTL_MS = 1_000;
/** Rows serialised per slice check: ~0.5 ms of work each time on this machine. */
const ROWS_PER_CHECK = 100;
/** Two start instants far apart: a schedule whose fire sequence differs between them depends on when it began. */
const PROBE_ANCHORS = [new Date(0), new Date(7 * 86_400_000 + 37_000)];

/** One distinct fire sequence, evaluated with the engine at the minute's clock. */
interface ScheduleView {
  schedule: SchedulerStatusRow['schedule'];
  nextFires: string[];
  /** Set when the schedule cannot be evaluated. */
  error?: string;
}

/** The engine's work for a tenant at one minute and version: shared by every page and by the whole list. */
interface Evaluation {
  nowMs: number;
  lastTickAtMs: number | null;
  /** `views[i - 1]` is view `i` of the repository input. */
  views: ScheduleView[];
  input: Omit<StatusPageInput, 'page'>;
}

type StatusVersion = Awaited<ReturnType<SchedulerRepository['statusVersion']>>;

/** The answer to one request: 304 (no body) when the caller's ETag is current, else the serialised JSON. */
export interface StatusReply {
  etag: string;
  body?: string;
}

/**
 * The status page (DESIGN §8, §17). The engine evaluates each distinct schedule of the tenant once per minute (a
 * fleet shares few); PostgreSQL joins those evaluations to the rows and computes lag, counts, filters, order and the
 * page. Responses are cached per tenant, minute and version (a fingerprint of the tenant's pipelines and state plus
 * the last tick), named by an ETag, so an unchanged minute costs one small query and answers 304. Big responses are
 * serialised in slices that yield to the event loop.
 */
@Injectable()
export class StatusService {
  private readonly evaluations = new BoundedCache<Evaluation>(64, 64);
  /** Serialised bodies, bounded by their total length (~ bytes). */
  private readonly responses = new BoundedCache<string>(512, 64 * 1024 * 1024);
  /** Recent version reads per tenant; a read in flight is shared by every request that arrives meanwhile. */
  private readonly versions = new Map<
    string,
    { at: number; version: Promise<StatusVersion> }
  >();
  /** Responses being computed: concurrent requests for the same key wait for the one computation. */
  private readonly rendering = new Map<string, Promise<string>>();

  constructor(private readonly repository: SchedulerRepository) {}

  async respond(
    tenant: TenantContext,
    rawQuery: Record<string, unknown>,
    ifNoneMatch: string | undefined,
  ): Promise<StatusReply> {
    const query = parseStatusQuery(rawQuery);
    const version = await this.versionOf(tenant.id);
    const evaluationKey = [
      tenant.id,
      tenant.timezone,
      Math.floor(version.nowMs / MINUTE_MS),
      version.fingerprint,
      version.lastTickAtMs,
    ].join('|');
    const responseKey = `${evaluationKey}|${JSON.stringify(query)}`;
    const etag = `W/"${createHash('sha1').update(responseKey).digest('base64url')}"`;
    if (etagMatches(ifNoneMatch, etag)) return { etag };
    const cached = this.responses.get(responseKey);
    if (cached !== undefined) return { etag, body: cached };
    let pending = this.rendering.get(responseKey);
    if (!pending) {
      pending = this.compute(tenant, version, evaluationKey, query).finally(
        () => this.rendering.delete(responseKey),
      );
      this.rendering.set(responseKey, pending);
    }
    const body = await pending;
    this.responses.set(responseKey, body, body.length);
    return { etag, body };
  }

  private versionOf(tenantId: string): Promise<StatusVersion> {
    const now = Date.now();
    const known = this.versions.get(tenantId);
    if (known && now - known.at < STATUS_VERSION_TTL_MS) return known.version;
    const version = this.repository.statusVersion(tenantId);
    this.versions.set(tenantId, { at: now, version });
    version.catch(() => this.versions.delete(tenantId));
    if (this.versions.size > 1_000) {
      for (const [id, entry] of this.versions)
        if (now - entry.at >= STATUS_VERSION_TTL_MS) this.versions.delete(id);
    }
    return version;
  }

  private async compute(
    tenant: TenantContext,
    version: StatusVersion,
    evaluationKey: string,
    query: StatusQuery,
  ): Promise<string> {
    let evaluation = this.evaluations.get(evaluationKey);
    if (!evaluation) {
      evaluation = await this.evaluate(tenant, version);
      this.evaluations.set(evaluationKey, evaluation);
    }
    return this.render(tenant, evaluation, query);
  }

  /** Evaluates each distinct fire sequence once, yielding to the event loop between slices. */
  private async evaluate(
    tenant: TenantContext,
    version: { nowMs: number; lastTickAtMs: number | null },
  ): Promise<Evaluation> {
    const schedules = await this.repository.statusSchedules(tenant.id);
    const now = new Date(version.nowMs);
    const slices = new EventLoopSlices();
    const views: ScheduleView[] = [];
    const inputViews: StatusPageInput['views'] = [];
    const scheduleViews: StatusPageInput['scheduleViews'] = [];
    const viewBySequence = new Map<string, number>();
    const addView = (
      key: string,
      compute: () => [ScheduleView, StatusPageInput['views'][number]],
    ) => {
      let index = viewBySequence.get(key);
      if (index === undefined) {
        const [view, input] = compute();
        views.push(view);
        inputViews.push(input);
        index = views.length;
        viewBySequence.set(key, index);
      }
      return index;
    };
    for (const { schedule_json: scheduleJson, since_ms: sinces } of schedules) {
      let schedule: Schedule;
      try {
        schedule = JSON.parse(scheduleJson) as Schedule;
        const keys = PROBE_ANCHORS.map((anchor) =>
          scheduleKey(schedule, { timezone: tenant.timezone, anchor }),
        );
        const dependsOnStart = keys[0] !== keys[1];
        const starts = dependsOnStart
          ? sinces.filter((ms): ms is number => ms !== null)
          : [sinces.find((ms) => ms !== null) ?? 0];
        for (const sinceMs of starts) {
          const defaults = {
            timezone: tenant.timezone,
            anchor: new Date(sinceMs),
          };
          const view = addView(scheduleKey(schedule, defaults), () =>
            evaluateSchedule(
              schedule,
              defaults,
              now,
              tenant.timezone,
              scheduleJson,
            ),
          );
          scheduleViews.push({
            scheduleJson,
            sinceMs: dependsOnStart ? sinceMs : null,
            view,
          });
          await slices.yieldIfDue();
        }
      } catch (error) {
        const view = addView(`invalid|${scheduleJson}`, () =>
          failedView(scheduleJson, tenant.timezone, error),
        );
        scheduleViews.push({ scheduleJson, sinceMs: null, view });
      }
    }
    return {
      nowMs: version.nowMs,
      lastTickAtMs: version.lastTickAtMs,
      views,
      input: {
        views: inputViews,
        scheduleViews,
        nowMs: version.nowMs,
        lagThresholdMinutes: LAG_THRESHOLD_MINUTES,
      },
    };
  }

  private async render(
    tenant: TenantContext,
    evaluation: Evaluation,
    query: StatusQuery,
  ): Promise<string> {
    const page = query.paged
      ? {
          limit: query.limit,
          offset: query.offset,
          sort: query.sort,
          order: query.order,
          filters: query.filters,
          cursor: query.cursor,
        }
      : undefined;
    const { counts, rows } = await this.repository.statusPage(tenant.id, {
      ...evaluation.input,
      page,
    });
    const now = new Date(evaluation.nowMs);
    const lastTickAt =
      evaluation.lastTickAtMs === null
        ? null
        : new Date(evaluation.lastTickAtMs);
    const tickHealth = describeTickHealth(now, lastTickAt);
    const head: Record<string, unknown> = {
      generatedAt: now.toISOString(),
      lagThresholdMinutes: LAG_THRESHOLD_MINUTES,
      lastTickAt: lastTickAt ? lastTickAt.toISOString() : null,
      warnings: tickHealth.warning ? [tickHealth.warning] : [],
    };
    let pageRows = rows;
    const tail: Record<string, unknown> = {};
    if (query.paged) {
      const { matching, ...totals } = counts;
      head['counts'] = totals;
      head['matching'] = matching;
      pageRows = rows.slice(0, query.limit);
      const last = pageRows[pageRows.length - 1];
      tail['nextCursor'] =
        rows.length > query.limit && last
          ? encodeStatusCursor(query.sort, query.order, last.sort_key, last.id)
          : null;
    }
    const slices = new EventLoopSlices();
    const parts: string[] = [
      `${JSON.stringify(head).slice(0, -1)},"pipelines":[`,
    ];
    for (let start = 0; start < pageRows.length; start += ROWS_PER_CHECK) {
      const chunk = pageRows
        .slice(start, start + ROWS_PER_CHECK)
        .map((row) =>
          JSON.stringify(
            toRow(row, this.viewOf(row, evaluation, tenant), tenant),
          ),
        );
      parts.push(start === 0 ? chunk.join(',') : `,${chunk.join(',')}`);
      await slices.yieldIfDue();
    }
    const tailJson = JSON.stringify(tail);
    parts.push(tailJson === '{}' ? ']}' : `],${tailJson.slice(1)}`);
    return parts.join('');
  }

  /** The row's evaluated schedule; a pipeline created since the minute's evaluation is evaluated on its own. */
  private viewOf(
    row: StatusPageRow,
    evaluation: Evaluation,
    tenant: TenantContext,
  ): ScheduleView {
    if (row.view !== null) return evaluation.views[row.view - 1];
    try {
      const schedule = JSON.parse(row.schedule_json) as Schedule;
      const defaults = {
        timezone: tenant.timezone,
        anchor: new Date(row.since_ms ?? evaluation.nowMs),
      };
      return evaluateSchedule(
        schedule,
        defaults,
        new Date(evaluation.nowMs),
        tenant.timezone,
        row.schedule_json,
      )[0];
    } catch (error) {
      return failedView(row.schedule_json, tenant.timezone, error)[0];
    }
  }
}

function evaluateSchedule(
  schedule: Schedule,
  defaults: { timezone: string; anchor: Date },
  now: Date,
  timezone: string,
  scheduleJson: string,
): [ScheduleView, StatusPageInput['views'][number]] {
  try {
    const compiled = getCompiledSchedule(schedule, defaults);
    const previous = compiled.previousFireTime(now);
    const next = compiled.nextFireTimes(now, NEXT_FIRES);
    const view: ScheduleView = {
      schedule: {
        type: compiled.kind,
        text: compiled.text,
        timezone: compiled.timezone,
        description: compiled.description,
      },
      nextFires: next.map((fire) => fire.toISOString()),
    };
    return [
      view,
      {
        previousMs: previous ? previous.getTime() : null,
        nextMs: next.length > 0 ? next[0].getTime() : null,
        description: compiled.description,
        failed: false,
      },
    ];
  } catch (error) {
    return failedView(scheduleJson, timezone, error);
  }
}

function failedView(
  scheduleJson: string,
  timezone: string,
  error: unknown,
): [ScheduleView, StatusPageInput['views'][number]] {
  const message = error instanceof Error ? error.message : String(error);
  return [
    {
      schedule: {
        type: 'cron',
        text: scheduleJson,
        timezone,
        description: 'invalid schedule',
      },
      nextFires: [],
      error: `schedule cannot be evaluated: ${message}`,
    },
    {
      previousMs: null,
      nextMs: null,
      description: 'invalid schedule',
      failed: true,
    },
  ];
}

function toRow(
  row: StatusPageRow,
  view: ScheduleView,
  tenant: TenantContext,
): SchedulerStatusRow {
  const base = {
    id: row.id,
    name: row.name,
    paused: row.paused,
    lastRunAt: isoFromMs(row.last_run_ms),
    lastRunStatus: row.last_run_status,
  };
  if (view.error !== undefined) {
    return {
      ...base,
      schedule: { ...view.schedule, timezone: tenant.timezone },
      expectedAt: null,
      lagMinutes: null,
      lagLevel: 'none',
      nextFires: [],
      error: view.error,
    };
  }
  return {
    ...base,
    schedule: view.schedule,
    expectedAt: isoFromMs(row.expected_ms),
    lagMinutes: row.lag_minutes,
    lagLevel: row.lag_level,
    nextFires: view.nextFires,
    ...(row.schedule_error ? { error: row.schedule_error } : {}),
  };
}

function isoFromMs(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** `If-None-Match` may list several tags, weak or strong; a weak comparison is what GET revalidation uses. */
function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((tag) => {
    const candidate = tag.trim();
    return candidate === '*' || candidate.replace(/^W\//, '') === bare;
  });
}
