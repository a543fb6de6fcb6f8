import { Injectable } from '@nestjs/common';

import type { TenantContext } from '@flow/api/tenancy';
import type {
  LineageEdge,
  LineageNode,
  LineageResponse,
} from '@flow/contracts';

import { CatalogService } from './catalog.service';
import { LineageRepository } from './lineage.repository';

/** Lineage answers are reused this long per tenant; a finished run invalidates its tenant's entry at once. */
export const LINEAGE_TTL_MS = 5_000;
const LINEAGE_CACHE_MAX = 10_000;

/**
 * The table-level graph across a tenant's pipelines: an edge from every source table to every target table of the
 * same pipeline, each table with whether it exists, its (estimated) row count and when a run last wrote it.
 */
@Injectable()
export class LineageService {
  private readonly cache = new Map<
    string,
    { response: Promise<LineageResponse>; expiresAt: number }
  >();

  constructor(
    private readonly lineage: LineageRepository,
    private readonly catalog: CatalogService,
  ) {}

  get(tenant: TenantContext): Promise<LineageResponse> {
    const now = Date.now();
    const cached = this.cache.get(tenant.id);
    if (cached && cached.expiresAt > now) return cached.response;
    const response = this.build(tenant);
    if (this.cache.size >= LINEAGE_CACHE_MAX) this.cache.clear();
    const entry = { response, expiresAt: now + LINEAGE_TTL_MS };
    this.cache.set(tenant.id, entry);
    response.catch(() => {
      if (this.cache.get(tenant.id) === entry) this.cache.delete(tenant.id);
    });
    return response;
  }

  /** Forgets a tenant's cached lineage: call when a run of one of its pipelines finished. */
  invalidate(tenantId: string): void {
    this.cache.delete(tenantId);
  }

  private async build(tenant: TenantContext): Promise<LineageResponse> {
    const rows = await this.lineage.pipelineTables(tenant.id);
    const roles = new Map<
      string,
      { source: boolean; target: boolean; writers: Set<string> }
    >();
    const byPipeline = new Map<
      string,
      { sources: Set<string>; targets: Set<string> }
    >();
    const files = new Set<string>();
    for (const row of rows) {
      if (row.kind === 'file') files.add(row.table_name);
      const role = roles.get(row.table_name) ?? {
        source: false,
        target: false,
        writers: new Set<string>(),
      };
      roles.set(row.table_name, role);
      const io = byPipeline.get(row.pipeline_id) ?? {
        sources: new Set<string>(),
        targets: new Set<string>(),
      };
      byPipeline.set(row.pipeline_id, io);
      if (row.kind === 'source' || row.kind === 'file') {
        role.source = true;
        io.sources.add(row.table_name);
      } else {
        role.target = true;
        role.writers.add(row.pipeline_id);
        io.targets.add(row.table_name);
      }
    }
    const names = [...roles.keys()].sort();
    const tables = names.filter((name) => !files.has(name));
    const writers = [...byPipeline]
      .filter(([, io]) => io.targets.size > 0)
      .map(([id]) => id);
    const [catalog, stats, lastWritten] = await Promise.all([
      this.catalog.get(tenant.schema),
      tables.length > 0 ? this.lineage.tableStats(tenant.schema, tables) : [],
      writers.length > 0 ? this.lineage.lastSucceeded(tenant.id, writers) : [],
    ]);
    const rowCounts = new Map(
      stats.map((row) => [row.table_name, row.live_rows]),
    );
    const finishedAt = new Map(
      lastWritten.map((row) => [row.pipeline_id, row.finished_at]),
    );

    const nodes = names.map((table): LineageNode => {
      if (files.has(table))
        return {
          table,
          kind: 'file',
          role: 'source',
          exists: true,
          rowCount: null,
          lastWrittenAt: null,
        };
      const role = roles.get(table) as {
        source: boolean;
        target: boolean;
        writers: Set<string>;
      };
      const exists = catalog.tables.has(table);
      let latest: Date | null = null;
      for (const pipelineId of role.writers) {
        const finished = finishedAt.get(pipelineId);
        if (finished && (!latest || finished > latest)) latest = finished;
      }
      return {
        table,
        kind: 'table',
        role:
          role.source && role.target
            ? 'both'
            : role.source
              ? 'source'
              : 'target',
        exists,
        rowCount: exists ? (rowCounts.get(table) ?? null) : null,
        lastWrittenAt: latest ? latest.toISOString() : null,
      };
    });
    const edges: LineageEdge[] = [];
    for (const [pipelineId, io] of byPipeline) {
      for (const from of io.sources)
        for (const to of io.targets) edges.push({ from, to, pipelineId });
    }
    edges.sort(
      (a, b) =>
        compare(a.from, b.from) ||
        compare(a.to, b.to) ||
        compare(a.pipelineId, b.pipelineId),
    );
    return { nodes, edges };
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
