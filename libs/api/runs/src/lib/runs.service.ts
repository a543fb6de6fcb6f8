import {
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import type { EntityManager } from 'typeorm';

import {
  decodeInstantCursor,
  encodeInstantCursor,
  FLOW_CONFIG,
  isUuid,
  parsePageLimit,
  QuotaExceededError,
  ValidationFailedError,
  type FlowConfig,
} from '@flow/api/core';
import { DeadLettersRepository } from '@flow/api/dead-letters';
import { CatalogService, PipelinesService } from '@flow/api/pipelines';
import type { TenantContext } from '@flow/api/tenancy';
import type {
  NodeMetricsResponse,
  NodeRunMetrics,
  RunDetailResponse,
  RunListResponse,
  RunResponse,
} from '@flow/contracts';
import {
  IrCompileError,
  planReplay,
  type NodeMetrics,
} from '@flow/pipeline-ir';

import { parseRunRequest } from './run-request';

import {
  RunsRepository,
  type NodeMetricsRow,
  type RunRow,
} from './runs.repository';

export const DEFAULT_RUNS_PAGE_SIZE = 20;
export const MAX_RUNS_PAGE_SIZE = 100;
/** The metrics drawer's trend: 30 runs by default, at most 100. */
export const DEFAULT_TREND_RUNS = 30;
export const MAX_TREND_RUNS = 100;
/** Node ids are identifiers (DESIGN §7); a longer `node` can name none. */
const MAX_NODE_ID_LENGTH = 200;

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
  constructor(
    private readonly runs: RunsRepository,
    private readonly pipelines: PipelinesService,
    private readonly catalog: CatalogService,
    private readonly deadLetters: DeadLettersRepository,
    @Inject(FLOW_CONFIG) private readonly config: FlowConfig,
  ) {}

  /** QUOTA_QUEUED_RUNS_PER_PIPELINE for runs queued through the api (manual, replay): 409 naming it when full. */
  private async enqueue(
    tenantId: string,
    pipelineId: string,
    insert: (manager: EntityManager) => Promise<RunRow | null>,
  ): Promise<RunRow | null> {
    const limit = this.config.quotas.queuedRunsPerPipeline;
    const result = await this.runs.enqueueWithinQuota(
      tenantId,
      pipelineId,
      limit,
      insert,
    );
    if ('queued' in result)
      throw new QuotaExceededError(
        'queuedRunsPerPipeline',
        limit,
        result.queued,
        'runs',
      );
    return result.row;
  }

  /**
   * Queues a manual run, or (`{"replayDlqOnly": true, "deadLetterIds"?: […]}`) a replay of the pipeline's open
   * dead letters: 400 naming each node that keeps the pipeline from replaying (a source without a key, …), 409
   * when no open letter can be replayed.
   */
  async trigger(
    tenant: TenantContext,
    pipelineId: string,
    body?: unknown,
  ): Promise<RunDetail> {
    const { value: request, errors } = parseRunRequest(body);
    if (!request) throw new ValidationFailedError(errors);
    if (request.replay)
      return this.triggerReplay(tenant, pipelineId, request.deadLetterIds);
    const row = isUuid(pipelineId)
      ? await this.enqueue(tenant.id, pipelineId, (manager) =>
          this.runs.enqueueManual(tenant.id, pipelineId, manager),
        )
      : null;
    if (!row) throw pipelineNotFound();
    return toResponse(row);
  }

  private async triggerReplay(
    tenant: TenantContext,
    pipelineId: string,
    deadLetterIds: string[] | null,
  ): Promise<RunDetail> {
    const { ir } = await this.pipelines.getIr(tenant, pipelineId);
    const catalog = await this.catalog.get(tenant.schema);
    let letterSources: Record<string, string[]>;
    try {
      letterSources = planReplay(ir, catalog).letterSources;
    } catch (error) {
      if (error instanceof IrCompileError)
        throw new ValidationFailedError(error.details);
      throw error;
    }
    const any = await this.deadLetters.anyReplayable(
      tenant.id,
      pipelineId,
      deadLetterIds,
      letterSources,
    );
    if (!any)
      throw new ConflictException(
        deadLetterIds
          ? 'none of the given dead letters is open and replayable'
          : 'the pipeline has no open dead letters to replay',
      );
    const row = await this.enqueue(tenant.id, pipelineId, (manager) =>
      this.runs.enqueueReplay(tenant.id, pipelineId, deadLetterIds, manager),
    );
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
    const after = decodeInstantCursor(query.cursor);
    const rows = isUuid(pipelineId)
      ? await this.runs.listPage(tenant.id, pipelineId, limit + 1, after)
      : null;
    if (!rows) throw pipelineNotFound();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toResponse),
      nextCursor:
        rows.length > limit
          ? encodeInstantCursor(last.queued_at_text, last.id)
          : null,
    };
  }

  /** One run with its per-node figures; another tenant's pipeline, or a run of another pipeline, is a 404. */
  async detail(
    tenant: TenantContext,
    pipelineId: string,
    runId: string,
  ): Promise<RunDetailResponse> {
    const found = isUuid(pipelineId)
      ? await this.runs.findRun(
          tenant.id,
          pipelineId,
          isUuid(runId) ? runId : NO_RUN,
        )
      : null;
    if (!found) throw pipelineNotFound();
    if (!found.run) throw new NotFoundException('Run not found');
    const { nodeMetrics, ...run } = toResponse(found.run);
    return {
      ...run,
      irVersion: found.run.ir_version,
      nodeMetrics: Object.fromEntries(
        Object.entries(nodeMetrics ?? {}).map(([node, metrics]) => [
          node,
          toNodeRunMetrics(metrics),
        ]),
      ),
    };
  }

  /** A node's figures over the pipeline's last finished runs, oldest → newest (the drawer's trend chart). */
  async nodeMetrics(
    tenant: TenantContext,
    pipelineId: string,
    query: { node?: unknown; limit?: string },
  ): Promise<NodeMetricsResponse> {
    const node = query.node;
    if (typeof node !== 'string' || node === '')
      throw new ValidationFailedError([
        { path: 'node', message: 'is required once: the id of an IR node' },
      ]);
    if (node.length > MAX_NODE_ID_LENGTH)
      throw new ValidationFailedError([
        {
          path: 'node',
          message: `must be at most ${MAX_NODE_ID_LENGTH} characters`,
        },
      ]);
    const limit = parsePageLimit(
      query.limit,
      DEFAULT_TREND_RUNS,
      MAX_TREND_RUNS,
    );
    const rows = isUuid(pipelineId)
      ? await this.runs.recentNodeMetrics(tenant.id, pipelineId, node, limit)
      : null;
    if (!rows) throw pipelineNotFound();
    return { node, items: rows.reverse().map(toNodeMetricsPoint) };
  }
}

/** A uuid no run has: a malformed run id is looked up as this, so a missing pipeline still answers first. */
const NO_RUN = '00000000-0000-0000-0000-000000000000';

/** The stored figures (`rows` is the node's output) under the names the console reads. */
function toNodeRunMetrics(metrics: NodeMetrics | null): NodeRunMetrics {
  return {
    rowsIn: metrics?.rowsIn ?? null,
    rowsOut: metrics?.rows ?? null,
    rowsRejected: metrics?.rejected ?? null,
    durationMs: metrics?.durationMs ?? null,
  };
}

function toNodeMetricsPoint(row: NodeMetricsRow) {
  return {
    runId: row.id,
    status: row.status,
    trigger: row.trigger,
    scheduledFor: iso(row.scheduled_for),
    queuedAt: row.queued_at.toISOString(),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    irVersion: row.ir_version,
    recorded: row.metrics !== null,
    ...toNodeRunMetrics(row.metrics),
  };
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
