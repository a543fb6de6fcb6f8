import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import { instantText, type InstantCursor } from '@flow/api/core';
import { queryRows } from '@flow/api/db';
import type { PipelineIr, RunStatus, RunTrigger } from '@flow/contracts';
import { quoteIdent, type NodeMetrics } from '@flow/pipeline-ir';

/** Advisory-lock class of api-queued runs (quota check + insert), distinct from the other two-key locks. */
const ENQUEUE_LOCK_NAMESPACE = 0x72716c; // "rql"

export interface RunRow {
  id: string;
  pipeline_id: string;
  trigger: RunTrigger;
  scheduled_for: Date | null;
  status: RunStatus;
  attempt: number;
  queued_at: Date;
  /** `queued_at` in ISO 8601 UTC to the microsecond (a JS Date keeps milliseconds only), for keyset cursors. */
  queued_at_text: string;
  available_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  rows_read: number | null;
  rows_written: number | null;
  rows_rejected: number | null;
  error: string | null;
  node_metrics: Record<string, NodeMetrics> | null;
  /** The IR version the run executed; null before a worker claimed it (and for runs from before versions). */
  ir_version: number | null;
}

/** A finished run and one node's stored figures (null when the run recorded none for it). */
export interface NodeMetricsRow {
  id: string;
  status: RunStatus;
  trigger: RunTrigger;
  scheduled_for: Date | null;
  queued_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  ir_version: number | null;
  metrics: NodeMetrics | null;
}

/** A run this worker has just claimed: the ownership token is (id, worker_id, attempt). */
export interface ClaimedRun {
  id: string;
  tenant_id: string;
  tenant_slug: string;
  pipeline_id: string;
  trigger: RunTrigger;
  /** A replay's chosen letters; null: every open one. */
  replay_dead_letter_ids: string[] | null;
  worker_id: string;
  attempt: number;
  started_at: Date;
}

export interface RunTotals {
  rowsRead: number;
  rowsWritten: number;
  rowsRejected: number;
  nodeMetrics: Record<string, NodeMetrics>;
}

export interface RetryPolicy {
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

const RUN_COLUMNS = `id, pipeline_id, trigger, scheduled_for, status, attempt, queued_at, ${instantText('queued_at')} AS queued_at_text, available_at,
  started_at, finished_at, rows_read, rows_written, rows_rejected, error, node_metrics, ir_version`;

/** `available_at` after attempt `attempt` failed: base · 2^(attempt-1), capped (same rule as `backoffMs`). */
const BACKOFF_SQL = (attempt: string, base: string, max: string) =>
  `now() + make_interval(secs => least(${base}::double precision * power(2, greatest(${attempt} - 1, 0)), ${max}::double precision) / 1000.0)`;

/** Queries on `pipeline_runs` (and the `pipeline_state` columns a run's outcome updates). */
@Injectable()
export class RunsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Runs `enqueue` in a transaction after waiting for any other enqueue of the pipeline (a transaction-scoped advisory
   * lock per pipeline) and counting its queued runs (the active-runs index; another tenant's pipeline counts 0, so it stays a 404): `{ queued }` without enqueueing when the
   * count has reached `limit`. Concurrent triggers never overshoot the quota.
   */
  enqueueWithinQuota(
    tenantId: string,
    pipelineId: string,
    limit: number,
    enqueue: (manager: EntityManager) => Promise<RunRow | null>,
  ): Promise<{ row: RunRow | null } | { queued: number }> {
    return this.dataSource.transaction(async (manager) => {
      await queryRows(
        manager,
        `SELECT pg_advisory_xact_lock($1, hashtext($2))`,
        [ENQUEUE_LOCK_NAMESPACE, pipelineId],
      );
      const [{ queued }] = await queryRows<{ queued: number }>(
        manager,
        `SELECT count(*)::int AS queued FROM pipeline_runs
          WHERE pipeline_id = $1 AND tenant_id = $2 AND status = 'queued'`,
        [pipelineId, tenantId],
      );
      if (queued >= limit) return { queued };
      return { row: await enqueue(manager) };
    });
  }

  /** Queues a manual run of the tenant's pipeline; null when the tenant has no such pipeline. */
  async enqueueManual(
    tenantId: string,
    pipelineId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<RunRow | null> {
    const rows = await queryRows<RunRow>(
      manager,
      `INSERT INTO pipeline_runs (tenant_id, pipeline_id, trigger, scheduled_for)
       SELECT tenant_id, id, 'manual', NULL FROM pipelines WHERE tenant_id = $1 AND id = $2
       RETURNING ${RUN_COLUMNS}`,
      [tenantId, pipelineId],
    );
    return rows[0] ?? null;
  }

  /** Queues a replay of the pipeline's open dead letters (the given ones, or all); null when there is no such pipeline. */
  async enqueueReplay(
    tenantId: string,
    pipelineId: string,
    deadLetterIds: string[] | null,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<RunRow | null> {
    const rows = await queryRows<RunRow>(
      manager,
      `INSERT INTO pipeline_runs (tenant_id, pipeline_id, trigger, scheduled_for, replay_dead_letter_ids)
       SELECT tenant_id, id, 'replay', NULL, $3::uuid[] FROM pipelines WHERE tenant_id = $1 AND id = $2
       RETURNING ${RUN_COLUMNS}`,
      [tenantId, pipelineId, deadLetterIds],
    );
    return rows[0] ?? null;
  }

  /**
   * A page of the pipeline's runs, newest first, keyset on (queued_at, id) over the history index. Null when the
   * tenant has no such pipeline (one query answers both: the pipeline row is left-joined to its page).
   */
  async listPage(
    tenantId: string,
    pipelineId: string,
    limit: number,
    after: InstantCursor | null,
  ): Promise<RunRow[] | null> {
    const rows = await queryRows<Partial<RunRow> & { found: boolean }>(
      this.dataSource,
      `SELECT true AS found, r.*
         FROM pipelines p
         LEFT JOIN LATERAL (
              SELECT ${RUN_COLUMNS} FROM pipeline_runs
               WHERE pipeline_id = p.id
                 AND ($3::timestamptz IS NULL OR (queued_at, id) < ($3::timestamptz, $4::uuid))
               ORDER BY queued_at DESC, id DESC
               LIMIT $5) AS r ON true
        WHERE p.tenant_id = $1 AND p.id = $2`,
      [tenantId, pipelineId, after?.instant ?? null, after?.id ?? null, limit],
    );
    if (rows.length === 0) return null;
    return rows.filter(
      (row) => row.id !== null && row.id !== undefined,
    ) as RunRow[];
  }

  /**
   * One run of the tenant's pipeline. Null when the tenant has no such pipeline; `{ run: null }` when the pipeline
   * has no such run (one query answers both, like `listPage`).
   */
  async findRun(
    tenantId: string,
    pipelineId: string,
    runId: string,
  ): Promise<{ run: RunRow | null } | null> {
    const rows = await queryRows<Partial<RunRow> & { found: boolean }>(
      this.dataSource,
      `SELECT true AS found, r.*
         FROM pipelines p
         LEFT JOIN LATERAL (
              SELECT ${RUN_COLUMNS} FROM pipeline_runs WHERE pipeline_id = p.id AND id = $3) AS r ON true
        WHERE p.tenant_id = $1 AND p.id = $2`,
      [tenantId, pipelineId, runId],
    );
    if (rows.length === 0) return null;
    const row = rows[0];
    return { run: row.id ? (row as RunRow) : null };
  }

  /**
   * The pipeline's last `limit` finished runs (succeeded or failed), newest first, with one node's figures: the trend
   * of the metrics drawer. Reads the history index backwards and stops after `limit` matches. Null when the tenant
   * has no such pipeline.
   */
  async recentNodeMetrics(
    tenantId: string,
    pipelineId: string,
    node: string,
    limit: number,
  ): Promise<NodeMetricsRow[] | null> {
    const rows = await queryRows<Partial<NodeMetricsRow> & { found: boolean }>(
      this.dataSource,
      `SELECT true AS found, r.*
         FROM pipelines p
         LEFT JOIN LATERAL (
              SELECT id, status, trigger, scheduled_for, queued_at, started_at, finished_at, ir_version,
                     node_metrics -> $3 AS metrics
                FROM pipeline_runs
               WHERE pipeline_id = p.id AND status IN ('succeeded', 'failed')
               ORDER BY queued_at DESC, id DESC
               LIMIT $4) AS r ON true
        WHERE p.tenant_id = $1 AND p.id = $2`,
      [tenantId, pipelineId, node, limit],
    );
    if (rows.length === 0) return null;
    return rows.filter((row) => row.id) as NodeMetricsRow[];
  }

  /**
   * Claims up to `limit` queued, available runs with `FOR UPDATE SKIP LOCKED` (concurrent workers never claim the
   * same run and never wait on each other), marks them running and their pipelines `running` — one statement.
   */
  async claim(workerId: string, limit: number): Promise<ClaimedRun[]> {
    return queryRows<ClaimedRun>(
      this.dataSource,
      `WITH next AS (
         SELECT id FROM pipeline_runs
          WHERE status = 'queued' AND available_at <= now()
          ORDER BY available_at, queued_at
          LIMIT $2
          FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE pipeline_runs r
            SET status = 'running', worker_id = $1, attempt = r.attempt + 1,
                started_at = now(), heartbeat_at = now(), finished_at = NULL,
                ir_version = (SELECT version FROM pipelines WHERE id = r.pipeline_id)
           FROM next WHERE r.id = next.id
         RETURNING r.id, r.tenant_id, r.pipeline_id, r.trigger, r.replay_dead_letter_ids, r.worker_id, r.attempt, r.started_at
       ), shown AS (
         UPDATE pipeline_state s SET last_run_status = 'running', last_run_at = c.started_at, changed_at = clock_timestamp()
           FROM claimed c
          WHERE s.pipeline_id = c.pipeline_id AND (s.last_run_at IS NULL OR s.last_run_at <= c.started_at)
       )
       SELECT c.*, t.slug AS tenant_slug FROM claimed c JOIN tenants t ON t.id = c.tenant_id`,
      [workerId, limit],
    );
  }

  /** Refreshes the heartbeat; false when the run is no longer this worker's (reaped, or finished). */
  async heartbeat(run: ClaimedRun): Promise<boolean> {
    const rows = await queryRows(
      this.dataSource,
      `UPDATE pipeline_runs SET heartbeat_at = now()
        WHERE id = $1 AND worker_id = $2 AND attempt = $3 AND status = 'running'
        RETURNING id`,
      [run.id, run.worker_id, run.attempt],
    );
    return rows.length > 0;
  }

  /** The schema the control-plane tables live in, read before a run narrows `search_path` to the tenant. */
  async controlSchema(manager: EntityManager): Promise<string> {
    const [row] = await queryRows<{ schema: string }>(
      manager,
      `SELECT current_schema()::text AS schema`,
    );
    return row.schema;
  }

  /** Narrows the transaction to the tenant's schema and bounds every statement's duration. */
  async scopeTransaction(
    manager: EntityManager,
    tenantSchema: string,
    statementTimeoutMs: number,
  ): Promise<void> {
    await queryRows(
      manager,
      `SELECT set_config('search_path', $1, true), set_config('statement_timeout', $2, true)`,
      [quoteIdent(tenantSchema), String(statementTimeoutMs)],
    );
  }

  async pipelineIr(
    manager: EntityManager,
    controlSchema: string,
    run: ClaimedRun,
  ): Promise<PipelineIr | null> {
    // The IR may have changed since the claim recorded its version: the run records the version it really executes
    // (in the run's transaction; if that rolls back, the claim's version stays).
    const control = quoteIdent(controlSchema);
    const rows = await queryRows<{ ir: PipelineIr }>(
      manager,
      `WITH p AS (
         SELECT ir, version FROM ${control}.pipelines WHERE id = $1 AND tenant_id = $2
       ), recorded AS (
         UPDATE ${control}.pipeline_runs r SET ir_version = p.version
           FROM p WHERE r.id = $3 AND r.ir_version IS DISTINCT FROM p.version
       )
       SELECT ir FROM p`,
      [run.pipeline_id, run.tenant_id, run.id],
    );
    return rows[0]?.ir ?? null;
  }

  /**
   * Marks the run succeeded inside the transaction that wrote its data, if this worker still owns it. False means
   * the run was reaped (and maybe claimed again) meanwhile: the caller must roll back, so the data is written only
   * by the attempt whose status update commits.
   */
  async markSucceeded(
    manager: EntityManager,
    controlSchema: string,
    run: ClaimedRun,
    totals: RunTotals,
  ): Promise<boolean> {
    const schema = quoteIdent(controlSchema);
    const rows = await queryRows(
      manager,
      `WITH done AS (
         UPDATE ${schema}.pipeline_runs
            SET status = 'succeeded', finished_at = clock_timestamp(), heartbeat_at = clock_timestamp(), error = NULL,
                rows_read = $4, rows_written = $5, rows_rejected = $6, node_metrics = $7
          WHERE id = $1 AND worker_id = $2 AND attempt = $3 AND status = 'running'
          RETURNING pipeline_id, started_at
       ), shown AS (
         UPDATE ${schema}.pipeline_state s SET last_run_status = 'succeeded', last_run_at = d.started_at, changed_at = clock_timestamp()
           FROM done d WHERE s.pipeline_id = d.pipeline_id AND (s.last_run_at IS NULL OR s.last_run_at <= d.started_at)
       )
       SELECT 1 FROM done`,
      [
        run.id,
        run.worker_id,
        run.attempt,
        totals.rowsRead,
        totals.rowsWritten,
        totals.rowsRejected,
        JSON.stringify(totals.nodeMetrics),
      ],
    );
    return rows.length > 0;
  }

  /**
   * Records a failed attempt (its transaction already rolled back): back to `queued` with exponential backoff, or
   * `failed` for good when attempts are exhausted or `retryable` is false. Null when the run is no longer ours.
   */
  async markAttemptFailed(
    run: ClaimedRun,
    error: string,
    retryable: boolean,
    policy: RetryPolicy,
    metrics: Partial<RunTotals> = {},
  ): Promise<'queued' | 'failed' | null> {
    const rows = await queryRows<{ status: 'queued' | 'failed' }>(
      this.dataSource,
      `WITH outcome AS (
         UPDATE pipeline_runs r
            SET status = CASE WHEN $5 AND r.attempt < $6 THEN 'queued' ELSE 'failed' END,
                available_at = CASE WHEN $5 AND r.attempt < $6 THEN ${BACKOFF_SQL('r.attempt', '$7', '$8')} ELSE r.available_at END,
                finished_at = CASE WHEN $5 AND r.attempt < $6 THEN NULL ELSE now() END,
                worker_id = NULL, heartbeat_at = NULL, error = $4,
                rows_read = $9, rows_written = 0, rows_rejected = $10, node_metrics = $11
          WHERE r.id = $1 AND r.worker_id = $2 AND r.attempt = $3 AND r.status = 'running'
          RETURNING r.pipeline_id, r.started_at, r.status
       ), shown AS (
         UPDATE pipeline_state s SET last_run_status = o.status, changed_at = clock_timestamp()
           FROM outcome o WHERE s.pipeline_id = o.pipeline_id AND (s.last_run_at IS NULL OR s.last_run_at <= o.started_at)
       )
       SELECT status FROM outcome`,
      [
        run.id,
        run.worker_id,
        run.attempt,
        error,
        retryable,
        policy.maxAttempts,
        policy.backoffBaseMs,
        policy.backoffMaxMs,
        metrics.rowsRead ?? null,
        metrics.rowsRejected ?? null,
        metrics.nodeMetrics ? JSON.stringify(metrics.nodeMetrics) : null,
      ],
    );
    return rows[0]?.status ?? null;
  }

  /**
   * Requeues (with backoff) or fails runs whose heartbeat is older than `expiryMs`: their worker died or lost its
   * database connection, so their transaction has rolled back. Locked runs are skipped, never waited for.
   */
  async reapExpired(
    expiryMs: number,
    policy: RetryPolicy,
  ): Promise<{ id: string; status: 'queued' | 'failed' }[]> {
    return queryRows(
      this.dataSource,
      `WITH expired AS (
         SELECT id FROM pipeline_runs
          WHERE status = 'running' AND heartbeat_at < now() - make_interval(secs => $1::double precision / 1000)
          FOR UPDATE SKIP LOCKED
       ), outcome AS (
         UPDATE pipeline_runs r
            SET status = CASE WHEN r.attempt < $2 THEN 'queued' ELSE 'failed' END,
                available_at = CASE WHEN r.attempt < $2 THEN ${BACKOFF_SQL('r.attempt', '$3', '$4')} ELSE r.available_at END,
                finished_at = CASE WHEN r.attempt < $2 THEN NULL ELSE now() END,
                error = 'heartbeat expired: worker ' || coalesce(r.worker_id, '?') || ' stopped responding during attempt ' || r.attempt,
                worker_id = NULL, heartbeat_at = NULL
           FROM expired WHERE r.id = expired.id
          RETURNING r.id, r.pipeline_id, r.started_at, r.status
       ), shown AS (
         UPDATE pipeline_state s SET last_run_status = o.status, changed_at = clock_timestamp()
           FROM outcome o WHERE s.pipeline_id = o.pipeline_id AND (s.last_run_at IS NULL OR s.last_run_at <= o.started_at)
       )
       SELECT id, status FROM outcome`,
      [expiryMs, policy.maxAttempts, policy.backoffBaseMs, policy.backoffMaxMs],
    );
  }
}
