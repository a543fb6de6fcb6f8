import {
  ConflictException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';

import {
  FLOW_CONFIG,
  isUuid,
  parsePageLimit,
  QuotaExceededError,
  ValidationFailedError,
  type FlowConfig,
} from '@flow/api/core';
import type { CallerContext, TenantContext } from '@flow/api/tenancy';
import {
  PIPELINE_NAME_MAX_LENGTH,
  type FieldError,
  type PipelineIr,
  type PipelineListResponse,
  type PipelineResponse,
  type PipelineSummary,
} from '@flow/contracts';
import { compileRun, IrCompileError } from '@flow/pipeline-ir';

import { CatalogService } from './catalog.service';

import {
  parseCreatePipeline,
  parseIrDocument,
  parseUpdatePipeline,
} from './pipeline-request';
import {
  PipelinesRepository,
  type PipelineListRow,
  type PipelineRow,
} from './pipelines.repository';
import { planSchedule } from './schedule-plan';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** `?name=`: absent or empty → no filter; otherwise one string of at most the longest name's length. */
function parseNameFilter(raw: unknown): string | null {
  if (raw === undefined || raw === '') return null;
  if (typeof raw !== 'string' || raw.length > PIPELINE_NAME_MAX_LENGTH)
    throw new ValidationFailedError([
      {
        path: 'name',
        message: `must be one string of at most ${PIPELINE_NAME_MAX_LENGTH} characters`,
      },
    ]);
  return raw;
}

/** An IR and the version it is (the ETag of `GET /pipelines/:id/ir` and of the PUT's answer). */
export interface VersionedIr {
  ir: PipelineIr;
  version: number;
}

/**
 * `If-Match`: absent → null (last write wins, DESIGN §13); `"<version>"` (or weak `W/"<version>"`) → the version the
 * edit is based on; `*` → null (any version). Anything else is a 400 naming the header.
 */
export function parseIfMatch(header: string | undefined): number | null {
  if (header === undefined || header.trim() === '*') return null;
  const match = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(header);
  if (!match || Number(match[1]) < 1)
    throw new ValidationFailedError([
      {
        path: 'If-Match',
        message: 'must be the ETag of the pipeline, e.g. "3" (quotes included)',
      },
    ]);
  return Number(match[1]);
}

/** Pipeline rules: validation, schedule bookkeeping on every write, keyset pages, tenant scoping. */
@Injectable()
export class PipelinesService {
  constructor(
    private readonly pipelines: PipelinesRepository,
    private readonly catalog: CatalogService,
    @Inject(FLOW_CONFIG) private readonly config: FlowConfig,
  ) {}

  /** QUOTA_NODES_PER_IR: an IR with more nodes is a 422 naming the quota and the count. */
  private checkNodeQuota(ir: PipelineIr, path: string): void {
    if (ir.nodes.length > this.config.quotas.nodesPerIr)
      throw new QuotaExceededError(
        'nodesPerIr',
        this.config.quotas.nodesPerIr,
        ir.nodes.length,
        path,
      );
  }

  async list(
    tenant: TenantContext,
    query: { limit?: string; cursor?: string; name?: unknown },
  ): Promise<PipelineListResponse> {
    const limit = parsePageLimit(query.limit, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    const nameContains = parseNameFilter(query.name);
    const afterName =
      query.cursor === undefined || query.cursor === ''
        ? null
        : decodeCursor(query.cursor);
    // One extra row tells whether another page exists without a count query.
    const rows = await this.pipelines.listPage(
      tenant.id,
      limit + 1,
      afterName,
      nameContains,
    );
    const page = rows.slice(0, limit);
    return {
      items: page.map(toSummary),
      nextCursor:
        rows.length > limit ? encodeCursor(page[page.length - 1].name) : null,
    };
  }

  async get(tenant: TenantContext, id: string): Promise<PipelineResponse> {
    return toResponse(await this.findOrThrow(tenant, id));
  }

  async getIr(tenant: TenantContext, id: string): Promise<VersionedIr> {
    const found = isUuid(id)
      ? await this.pipelines.findIr(tenant.id, id)
      : null;
    if (!found) throw pipelineNotFound();
    return found;
  }

  async create(
    tenant: TenantContext,
    caller: CallerContext,
    body: unknown,
  ): Promise<PipelineResponse> {
    const { value, errors } = parseCreatePipeline(body);
    if (!value) throw new ValidationFailedError(errors);
    this.checkNodeQuota(value.ir, 'ir.nodes');
    await this.checkAgainstTables(tenant, value.ir);
    const row = await this.pipelines
      .transaction(async (manager) => {
        // QUOTA_PIPELINES_PER_TENANT, checked under a per-tenant lock: concurrent creates never overshoot it.
        const count = await this.pipelines.lockAndCountForCreate(
          tenant.id,
          manager,
        );
        if (count >= this.config.quotas.pipelinesPerTenant)
          throw new QuotaExceededError(
            'pipelinesPerTenant',
            this.config.quotas.pipelinesPerTenant,
            count,
            'pipelines',
          );
        const now = await this.pipelines.now(manager);
        const paused = value.paused ?? false;
        const schedule = planSchedule(
          null,
          value.ir,
          paused,
          now,
          tenant.timezone,
        );
        return this.pipelines.insert(
          tenant.id,
          { name: value.name, ir: value.ir, paused, ...schedule },
          caller.subject,
          manager,
        );
      })
      .catch(rethrowNameConflict(value.name));
    return toResponse(row);
  }

  /** `ifMatch`: the raw `If-Match` header; when given, a pipeline at another version answers 412. */
  async update(
    tenant: TenantContext,
    caller: CallerContext,
    id: string,
    body: unknown,
    ifMatch?: string,
  ): Promise<PipelineResponse> {
    const expected = parseIfMatch(ifMatch);
    const { value, errors } = parseUpdatePipeline(body);
    if (!value) throw new ValidationFailedError(errors);
    if (value.ir) {
      this.checkNodeQuota(value.ir, 'ir.nodes');
      await this.checkAgainstTables(tenant, value.ir);
    }
    return toResponse(await this.write(tenant, caller, id, value, expected));
  }

  async replaceIr(
    tenant: TenantContext,
    caller: CallerContext,
    id: string,
    body: unknown,
    ifMatch?: string,
  ): Promise<VersionedIr> {
    const expected = parseIfMatch(ifMatch);
    const { value, errors } = parseIrDocument(body);
    if (!value) throw new ValidationFailedError(errors);
    this.checkNodeQuota(value, 'nodes');
    await this.checkAgainstTables(tenant, value);
    const row = await this.write(tenant, caller, id, { ir: value }, expected);
    return { ir: row.ir, version: row.version };
  }

  async delete(tenant: TenantContext, id: string): Promise<void> {
    if (!isUuid(id) || !(await this.pipelines.delete(tenant.id, id)))
      throw pipelineNotFound();
  }

  private async write(
    tenant: TenantContext,
    caller: CallerContext,
    id: string,
    change: { name?: string; ir?: PipelineIr; paused?: boolean },
    expectedVersion: number | null,
  ): Promise<PipelineRow> {
    if (!isUuid(id)) throw pipelineNotFound();
    return this.pipelines
      .transaction(async (manager) => {
        const current = await this.pipelines.findById(
          tenant.id,
          id,
          manager,
          true,
        );
        if (!current) throw pipelineNotFound();
        // Checked on the locked row: two saves based on the same version cannot both pass.
        if (expectedVersion !== null && current.version !== expectedVersion)
          throw staleVersion(expectedVersion, current.version);
        const now = await this.pipelines.now(manager);
        const ir = change.ir ?? current.ir;
        const paused = change.paused ?? current.paused;
        const previous = {
          ir: current.ir,
          paused: current.paused,
          scheduleKind: current.schedule_kind,
          scheduleSince: current.schedule_since,
          nextFireAt: current.next_fire_at,
          previousFireAt: current.previous_fire_at,
        };
        const schedule = planSchedule(
          previous,
          ir,
          paused,
          now,
          tenant.timezone,
        );
        return this.pipelines.update(
          tenant.id,
          id,
          { name: change.name ?? current.name, ir, paused, ...schedule },
          caller.subject,
          manager,
        );
      })
      .catch(rethrowNameConflict(change.name ?? ''));
  }

  /**
   * Checks the IR against the tenant's tables as they are now: a column that an existing table (or an upstream node)
   * does not have is a 400 naming the node and the column. A table that does not exist yet is allowed — it may be
   * created later (sql-preview warns about it, and a run fails with the same message until it exists).
   */
  private async checkAgainstTables(
    tenant: TenantContext,
    ir: PipelineIr,
  ): Promise<void> {
    if (!this.config.streamingEnabled) {
      const streams = streamingOffErrors(ir);
      if (streams.length > 0) throw new ValidationFailedError(streams);
    }
    const catalog = await this.catalog.get(tenant.schema);
    try {
      compileRun(ir, catalog, {
        tenantId: tenant.id,
        pipelineId: tenant.id,
        runId: tenant.id,
        deadLetterTable: 'public.dead_letters',
      });
    } catch (error) {
      if (!(error instanceof IrCompileError)) throw error;
      const problems = error.details.filter(
        (detail) => !/^unknown table /.test(detail.message),
      );
      if (problems.length > 0) throw new ValidationFailedError(problems);
    }
  }

  private async findOrThrow(
    tenant: TenantContext,
    id: string,
  ): Promise<PipelineRow> {
    const row = isUuid(id)
      ? await this.pipelines.findById(tenant.id, id)
      : null;
    if (!row) throw pipelineNotFound();
    return row;
  }
}

/** Stream sources while streaming is off (DESIGN §16): one error per node, at its `type`. */
function streamingOffErrors(ir: PipelineIr): FieldError[] {
  return ir.nodes.flatMap((node, i) =>
    node.type === 'stream'
      ? [
          {
            path: `ir.nodes[${i}].type`,
            message:
              'streaming is off: stream sources need FLOW_STREAMING_ENABLED=true (and a NATS server at NATS_URL)',
          },
        ]
      : [],
  );
}

function toSummary(row: PipelineListRow): PipelineSummary {
  return {
    id: row.id,
    name: row.name,
    schedule: row.schedule_kind,
    paused: row.paused,
    lastRunAt: iso(row.last_run_at),
    lastRunStatus: row.last_run_status,
    updatedAt: row.updated_at.toISOString(),
  };
}

function toResponse(row: PipelineRow): PipelineResponse {
  return {
    id: row.id,
    name: row.name,
    paused: row.paused,
    ir: row.ir,
    version: row.version,
    nextFireAt: iso(row.next_fire_at),
    lastRunAt: iso(row.last_run_at),
    lastRunStatus: row.last_run_status,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function iso(value: Date | null): string | null {
  return value ? value.toISOString() : null;
}

/** Malformed ids, missing ids and other tenants' ids all answer the same 404: nothing leaks. */
function pipelineNotFound(): NotFoundException {
  return new NotFoundException('Pipeline not found');
}

/** 412: the edit was based on an older version; the body says which one is current (DESIGN §13). */
function staleVersion(expected: number, current: number): HttpException {
  const message = `The pipeline was changed by someone else: it is at version ${current}, this edit is based on version ${expected}. Reload it, apply the change again and save.`;
  return new HttpException(
    {
      message,
      details: [
        {
          path: 'If-Match',
          message: `is "${expected}" but the pipeline is at version ${current}`,
        },
      ],
      currentVersion: current,
    },
    HttpStatus.PRECONDITION_FAILED,
  );
}

function encodeCursor(lastName: string): string {
  return Buffer.from(JSON.stringify({ after: lastName }), 'utf8').toString(
    'base64url',
  );
}

function decodeCursor(cursor: string): string {
  try {
    const decoded = JSON.parse(
      Buffer.from(cursor, 'base64url').toString('utf8'),
    ) as { after?: unknown };
    if (typeof decoded.after === 'string') return decoded.after;
  } catch {
    // fall through to the 400 below
  }
  throw new ValidationFailedError([
    { path: 'cursor', message: 'is not a cursor returned by this endpoint' },
  ]);
}

function rethrowNameConflict(name: string) {
  return (error: unknown): never => {
    if (
      (error as { code?: string }).code === '23505' &&
      String(
        (error as { constraint?: string }).constraint ??
          (error as Error).message,
      ).includes('pipelines_tenant_name_key')
    ) {
      throw new ConflictException({
        message: `name: a pipeline named "${name}" already exists`,
        details: [{ path: 'name', message: 'already exists' }],
      });
    }
    throw error;
  };
}
