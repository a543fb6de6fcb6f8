import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';

import { queryRows } from '@flow/api/db';
import { quoteIdent } from '@flow/pipeline-ir';

/** An unpaused pipeline with a file_arrival trigger, and the file node that reads what arrives. */
export interface WatchedPipeline {
  pipeline_id: string;
  tenant_id: string;
  tenant_slug: string;
  path: string;
  node_id: string;
}

export interface Arrival {
  tenantId: string;
  pipelineId: string;
  nodeId: string;
  path: string;
  size: number;
  sha256: string;
}

/** The watcher scans at most this many pipelines per pass. */
export const MAX_WATCHED_PIPELINES = 10_000;

/** Queries on `file_arrivals`: what to watch, the once-only registration with its run, and a run's file. */
@Injectable()
export class FileArrivalsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Pipelines to watch: unpaused, with a file_arrival trigger whose path is one of their file nodes' paths. */
  watchedPipelines(): Promise<WatchedPipeline[]> {
    return queryRows(
      this.dataSource,
      `SELECT p.id AS pipeline_id, p.tenant_id, t.slug AS tenant_slug, p.ir->'trigger'->>'path' AS path, n.node->>'id' AS node_id
         FROM pipelines p
         JOIN tenants t ON t.id = p.tenant_id
        CROSS JOIN LATERAL (
              SELECT node FROM jsonb_array_elements(
                       CASE WHEN jsonb_typeof(p.ir->'nodes') = 'array' THEN p.ir->'nodes' ELSE '[]'::jsonb END) AS node
               WHERE node->>'type' = 'file' AND node->>'path' = p.ir->'trigger'->>'path'
               LIMIT 1) AS n
        WHERE NOT p.paused AND p.ir->'trigger'->>'type' = 'file_arrival'
        ORDER BY p.id
        LIMIT ${MAX_WATCHED_PIPELINES}`,
    );
  }

  /**
   * Registers an arrived file and queues its run in one transaction, so a crash can never leave one without the
   * other. The UNIQUE identity (pipeline, path, size, sha256) makes a second registration — a restarted watcher,
   * a second watcher — insert nothing. Returns the new run's id, or null when the file was already registered.
   */
  async register(arrival: Arrival): Promise<string | null> {
    return this.dataSource.transaction(async (manager) => {
      const [inserted] = await queryRows<{ id: string }>(
        manager,
        `INSERT INTO file_arrivals (tenant_id, pipeline_id, node_id, path, size, sha256)
         SELECT tenant_id, id, $3, $4, $5, $6 FROM pipelines WHERE tenant_id = $1 AND id = $2
         ON CONFLICT ON CONSTRAINT file_arrivals_identity DO NOTHING
         RETURNING id`,
        [
          arrival.tenantId,
          arrival.pipelineId,
          arrival.nodeId,
          arrival.path,
          arrival.size,
          arrival.sha256,
        ],
      );
      if (!inserted) return null;
      const [run] = await queryRows<{ id: string }>(
        manager,
        `INSERT INTO pipeline_runs (tenant_id, pipeline_id, trigger, scheduled_for)
         VALUES ($1, $2, 'file', NULL) RETURNING id`,
        [arrival.tenantId, arrival.pipelineId],
      );
      await queryRows(
        manager,
        `UPDATE file_arrivals SET run_id = $2 WHERE id = $1`,
        [inserted.id, run.id],
      );
      return run.id;
    });
  }

  /** The file whose arrival dispatched `runId`, read on the run's own connection: node id → path. */
  async fileOfRun(
    client: PoolClient,
    controlSchema: string,
    runId: string,
  ): Promise<Record<string, string>> {
    const { rows } = await client.query<{ node_id: string; path: string }>(
      `SELECT node_id, path FROM ${quoteIdent(controlSchema)}.file_arrivals WHERE run_id = $1`,
      [runId],
    );
    return Object.fromEntries(rows.map((row) => [row.node_id, row.path]));
  }
}
