import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { queryRows } from '@flow/api/db';

export interface PipelineTableRow {
  pipeline_id: string;
  kind: 'source' | 'target';
  table_name: string;
}

export interface TableStatsRow {
  table_name: string;
  live_rows: number;
}

export interface LastWrittenRow {
  pipeline_id: string;
  finished_at: Date;
}

/** The queries behind lineage: the tables each pipeline reads and writes, table statistics, last successful writes. */
@Injectable()
export class LineageRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Source and target tables of every pipeline of the tenant, extracted from the IR inside PostgreSQL. */
  pipelineTables(tenantId: string): Promise<PipelineTableRow[]> {
    return queryRows(
      this.dataSource,
      `SELECT p.id AS pipeline_id, n.node->>'type' AS kind, n.node->>'table' AS table_name
         FROM pipelines p
        CROSS JOIN LATERAL jsonb_array_elements(
                CASE WHEN jsonb_typeof(p.ir->'nodes') = 'array' THEN p.ir->'nodes' ELSE '[]'::jsonb END) AS n(node)
        WHERE p.tenant_id = $1
          AND n.node->>'type' IN ('source', 'target')
          AND jsonb_typeof(n.node->'table') = 'string'`,
      [tenantId],
    );
  }

  /**
   * Live-row estimates from the cumulative statistics system (`pg_stat_user_tables.n_live_tup`): O(1) per table
   * whatever its size, unlike `count(*)`. Views have no entry.
   */
  tableStats(schema: string, tables: string[]): Promise<TableStatsRow[]> {
    return queryRows(
      this.dataSource,
      `SELECT relname::text AS table_name, n_live_tup AS live_rows
         FROM pg_stat_user_tables
        WHERE schemaname = $1 AND relname = ANY($2::text[])`,
      [schema, tables],
    );
  }

  /** Per pipeline, the finish time of its newest succeeded run (newest by queue order, via the history index). */
  lastSucceeded(tenantId: string, pipelineIds: string[]): Promise<LastWrittenRow[]> {
    return queryRows(
      this.dataSource,
      `SELECT p.id AS pipeline_id, r.finished_at
         FROM unnest($2::uuid[]) AS p(id)
        CROSS JOIN LATERAL (
              SELECT finished_at FROM pipeline_runs
               WHERE pipeline_id = p.id AND tenant_id = $1 AND status = 'succeeded'
               ORDER BY queued_at DESC, id DESC
               LIMIT 1) AS r`,
      [tenantId, pipelineIds],
    );
  }
}
