import { Injectable, NotFoundException } from '@nestjs/common';

import { isUuid, parsePageLimit, ValidationFailedError } from '@flow/api/core';
import type { TenantContext } from '@flow/api/tenancy';
import type { RunListResponse, RunResponse } from '@flow/contracts';
import type { NodeMetrics } from '@flow/pipeline-ir';

import { RunsRepository, type RunRow } from './runs.repository';

export const DEFAULT_RUNS_PAGE_SIZE = 20;
export const MAX_RUNS_PAGE_SIZE = 100;
/** The cursor's instant as the repository prints it: ISO 8601, UTC, microseconds. */
const CURSOR_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** A run as the history shows it: the contract's fields plus when a queued retry becomes claimable and per-node rows. */
export interface RunDetail extends RunResponse {
  availableAt: string;
  nodeMetrics: Record<string, NodeMetrics> | null;
}

export interface RunDetailListResponse extends RunListResponse {
  items: RunDetail[];
}

/** Manual triggers and run history, scoped by tenant: another tenant's pipeline is a 404 like a missing one. */
@Injectable()
export class RunsService {
  constructor(private readonly runs: RunsRepository) {}

  async trigger(tenant: TenantContext, pipelineId: string): Promise<RunDetail> {
    const row = isUuid(pipelineId)
      ? await this.runs.enqueueManual(tenant.id, pipelineId)
      : null;
    if (!row) throw pipelineNotFound();
    return toResponse(row);
  }

  async list(
    tenant: TenantContext,
    pipelineId: string,
    query: { limit?: string; cursor?: string },
  ): Promise<RunDetailListResponse> {
    const limit = parsePageLimit(
      query.limit,
      DEFAULT_RUNS_PAGE_SIZE,
      MAX_RUNS_PAGE_SIZE,
    );
    const after =
      query.cursor === undefined || query.cursor === ''
        ? null
        : decodeCursor(query.cursor);
    const rows = isUuid(pipelineId)
      ? await this.runs.listPage(tenant.id, pipelineId, limit + 1, after)
      : null;
    if (!rows) throw pipelineNotFound();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toResponse),
      nextCursor:
        rows.length > limit ? encodeCursor(last.queued_at_text, last.id) : null,
    };
  }
}

function toResponse(row: RunRow): RunDetail {
  return {
    id: row.id,
    pipelineId: row.pipeline_id,
    trigger: row.trigger,
    scheduledFor: iso(row.scheduled_for),
    status: row.status,
    attempt: row.attempt,
    queuedAt: row.queued_at.toISOString(),
    availableAt: row.available_at.toISOString(),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    rowsRead: row.rows_read,
    rowsWritten: row.rows_written,
    rowsRejected: row.rows_rejected,
    error: row.error,
    nodeMetrics: row.node_metrics,
  };
}

function iso(value: Date | null): string | null {
  return value ? value.toISOString() : null;
}

function pipelineNotFound(): NotFoundException {
  return new NotFoundException('Pipeline not found');
}

/** The cursor carries `queued_at` to the microsecond (a JS Date would round to milliseconds) and the id. */
function encodeCursor(queuedAt: string, id: string): string {
  return Buffer.from(JSON.stringify({ q: queuedAt, id }), 'utf8').toString(
    'base64url',
  );
}

function decodeCursor(cursor: string): { queuedAt: string; id: string } {
  try {
    const decoded = JSON.parse(
      Buffer.from(cursor, 'base64url').toString('utf8'),
    ) as { q?: unknown; id?: unknown };
    if (
      typeof decoded.q === 'string' &&
      CURSOR_INSTANT.test(decoded.q) &&
      typeof decoded.id === 'string' &&
      isUuid(decoded.id)
    ) {
      return { queuedAt: decoded.q, id: decoded.id };
    }
  } catch {
    // fall through to the 400 below
  }
  throw new ValidationFailedError([
    { path: 'cursor', message: 'is not a cursor returned by this endpoint' },
  ]);
}
