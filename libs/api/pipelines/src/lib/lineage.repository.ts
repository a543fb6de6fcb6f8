import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { queryRows } from '@flow/api/db';

export interface PipelineTableRow {
  pipeline_id: string;
  kind: 'source' | 'target' | 'file';
  /** A table, or a file source's pattern (`orders/*.csv`). */
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

  /** Source and target tables (and file sources' patterns) of every pipeline of the tenant, read from the IR in PostgreSQL. */
  pipelineTables(tenantId: string): Promise<PipelineTableRow[]> {
    return queryRows(
      this.dataSource,
      `SELECT p.id AS pipeline_id, n.node->>'type' AS kind,
              CASE n.node->>'type' WHEN 'file' THEN n.node->>'path' ELSE n.node->>'table' END AS table_name
         FROM pipelines p
        CROSS JOIN LATERAL jsonb_array_elements(
                CASE WHEN jsonb_typeof(p.ir->'nodes') = 'array' THEN p.ir->'nodes' ELSE '[]'::jsonb END) AS n(node)
        WHERE p.tenant_id = $1
          AND (n.node->>'type' IN ('source', 'target') AND jsonb_typeof(n.node->'table') = 'string'
               OR n.node->>'type' = 'file' AND jsonb_typeof(n.node->'path') = 'string')`,
      [tenantId],
    );
  }

  /**
   * Row estimates in O(1) per table whatever its size, unlike `count(*)`: `pg_class.reltuples`, which ANALYZE (run by
   * the worker after every write, and by autovacuum) sets transactionally; before a table's first ANALYZE, the
   * cumulative statistics' `n_live_tup`. (`n_live_tup` alone is racy: a backend's pending counters can be flushed
   * after an ANALYZE and count the same rows twice.) Views have no entry.
   */
  tableStats(schema: string, tables: string[]): Promise<TableStatsRow[]> {
    return queryRows(
      this.dataSource,
      `SELECT c.relname::text AS table_name,
              CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint ELSE coalesce(s.n_live_tup, 0) END AS live_rows
         FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
        WHERE n.nspname = $1 AND c.relname = ANY($2::text[]) AND c.relkind IN ('r', 'p')`,
      [schema, tables],
    );
  }

  /** Per pipeline, the finish time of its newest succeeded run (newest by queue order, via the history index). */
  lastSucceeded(
    tenantId: string,
    pipelineIds: string[],
  ): Promise<LastWrittenRow[]> {
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
