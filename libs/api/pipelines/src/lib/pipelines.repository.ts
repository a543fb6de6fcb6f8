import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import { queryRows } from '@flow/api/db';

import type { PipelineIr, RunStatus, ScheduleKind } from '@flow/contracts';

/** Advisory-lock class of pipeline creates (quota check + insert), distinct from the other two-key locks. */
const CREATE_LOCK_NAMESPACE = 0x706c71; // "plq"

export interface PipelineRow {
  id: string;
  tenant_id: string;
  name: string;
  ir: PipelineIr;
  version: number;
  schedule_kind: ScheduleKind | null;
  schedule_since: Date | null;
  paused: boolean;
  next_fire_at: Date | null;
  previous_fire_at: Date | null;
  last_run_at: Date | null;
  last_run_status: RunStatus | null;
  created_at: Date;
  updated_at: Date;
}

export type PipelineListRow = Pick<
  PipelineRow,
  | 'id'
  | 'name'
  | 'schedule_kind'
  | 'paused'
  | 'last_run_at'
  | 'last_run_status'
  | 'updated_at'
>;

export interface PipelineVersionRow {
  version: number;
  created_at: Date;
  created_by: string | null;
}

export interface PipelineWrite {
  name: string;
  ir: PipelineIr;
  paused: boolean;
  scheduleKind: ScheduleKind | null;
  scheduleSince: Date | null;
  nextFireAt: Date | null;
  previousFireAt: Date | null;
}

/** A pipeline row with its state row (`p` and `s`): what every single-pipeline read and write returns. */
const COLUMNS = `p.id, p.tenant_id, p.name, p.ir, p.version, p.schedule_kind, s.schedule_since, p.paused, s.next_fire_at, s.previous_fire_at,
  s.last_run_at, s.last_run_status, p.created_at, p.updated_at`;

/**
 * Queries on `pipelines` and their `pipeline_state` rows, always scoped by tenant: another tenant's id simply finds
 * nothing. Every write of a pipeline's schedule writes both rows in one statement.
 */
@Injectable()
export class PipelinesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Keyset page ordered by name (unique per tenant), served by the (tenant_id, name) unique index; `nameContains` keeps
   * names containing it, case-insensitively and literally (no wildcards).
   */
  async listPage(
    tenantId: string,
    limit: number,
    afterName: string | null,
    nameContains: string | null = null,
  ): Promise<PipelineListRow[]> {
    return queryRows(
      this.dataSource,
      `SELECT p.id, p.name, p.schedule_kind, p.paused, s.last_run_at, s.last_run_status, p.updated_at
         FROM pipelines p
         JOIN pipeline_state s ON s.pipeline_id = p.id
        WHERE p.tenant_id = $1 AND ($2::text IS NULL OR p.name > $2)
          AND ($4::text IS NULL OR strpos(lower(p.name), lower($4)) > 0)
        ORDER BY p.name
        LIMIT $3`,
      [tenantId, afterName, limit, nameContains],
    );
  }

  async findById(
    tenantId: string,
    id: string,
    manager: EntityManager = this.dataSource.manager,
    lock = false,
  ): Promise<PipelineRow | null> {
    const rows = await queryRows<PipelineRow>(
      manager,
      // FOR UPDATE locks both rows: an edit waits for a tick that is advancing this pipeline, then sees its result.
      `SELECT ${COLUMNS} FROM pipelines p JOIN pipeline_state s ON s.pipeline_id = p.id
        WHERE p.tenant_id = $1 AND p.id = $2 ${lock ? 'FOR UPDATE' : ''}`,
      [tenantId, id],
    );
    return rows[0] ?? null;
  }

  async findIr(
    tenantId: string,
    id: string,
  ): Promise<{ ir: PipelineIr; version: number } | null> {
    const rows = await queryRows<{ ir: PipelineIr; version: number }>(
      this.dataSource,
      `SELECT ir, version FROM pipelines WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return rows[0] ?? null;
  }

  /**
   * A page of the pipeline's versions, newest first, keyset on the version (a backward scan of the primary key).
   * Null when the tenant has no such pipeline (one query answers both).
   */
  async listVersions(
    tenantId: string,
    id: string,
    limit: number,
    beforeVersion: number | null,
  ): Promise<PipelineVersionRow[] | null> {
    const rows = await queryRows<Partial<PipelineVersionRow>>(
      this.dataSource,
      `SELECT v.version, v.created_at, v.created_by
         FROM pipelines p
         LEFT JOIN LATERAL (
              SELECT version, created_at, created_by FROM pipeline_versions
               WHERE pipeline_id = p.id AND ($3::int IS NULL OR version < $3)
               ORDER BY version DESC
               LIMIT $4) AS v ON true
        WHERE p.tenant_id = $1 AND p.id = $2`,
      [tenantId, id, beforeVersion, limit],
    );
    if (rows.length === 0) return null;
    return rows.filter((row) => row.version != null) as PipelineVersionRow[];
  }

  /** One version with its IR; null when the tenant has no such pipeline or the pipeline no such version. */
  async findVersion(
    tenantId: string,
    id: string,
    version: number,
  ): Promise<(PipelineVersionRow & { ir: PipelineIr }) | null> {
    const rows = await queryRows<PipelineVersionRow & { ir: PipelineIr }>(
      this.dataSource,
      `SELECT v.version, v.ir, v.created_at, v.created_by
         FROM pipelines p JOIN pipeline_versions v ON v.pipeline_id = p.id
        WHERE p.tenant_id = $1 AND p.id = $2 AND v.version = $3`,
      [tenantId, id, version],
    );
    return rows[0] ?? null;
  }

  /** The database clock: the only clock schedules are computed against. */
  async now(manager: EntityManager = this.dataSource.manager): Promise<Date> {
    const [{ now }] = await queryRows<{ now: Date }>(
      manager,
      `SELECT now() AS now`,
    );
    return now;
  }

  async insert(
    tenantId: string,
    write: PipelineWrite,
    author: string | null,
    manager: EntityManager,
  ): Promise<PipelineRow> {
    // The state row and version 1 are written in the same statement (the insert triggers then find them present and
    // add nothing).
    const rows = await queryRows<PipelineRow>(
      manager,
      `WITH p AS (
         INSERT INTO pipelines (tenant_id, name, ir, paused, schedule_kind)
         VALUES ($1, $2, $3, $4, $5)
         RETURNING *
       ), s AS (
         INSERT INTO pipeline_state (pipeline_id, tenant_id, schedule_since, next_fire_at, previous_fire_at)
         SELECT id, tenant_id, $6, $7, $8 FROM p
         RETURNING *
       ), v AS (
         INSERT INTO pipeline_versions (pipeline_id, version, ir, created_at, created_by)
         SELECT id, version, ir, created_at, $9 FROM p
       )
       SELECT ${COLUMNS} FROM p JOIN s ON s.pipeline_id = p.id`,
      [
        tenantId,
        write.name,
        JSON.stringify(write.ir),
        write.paused,
        write.scheduleKind,
        write.scheduleSince,
        write.nextFireAt,
        write.previousFireAt,
        author,
      ],
    );
    return rows[0];
  }

  /**
   * Writes the pipeline and its state row. When the IR changes (jsonb equality: key order and spacing do not count)
   * the version grows by one and the new IR is kept as that version, with its author — all in one statement, on a
   * row the caller has locked.
   */
  async update(
    tenantId: string,
    id: string,
    write: PipelineWrite,
    author: string | null,
    manager: EntityManager,
  ): Promise<PipelineRow> {
    const rows = await queryRows<PipelineRow>(
      manager,
      `WITH old AS (
         SELECT version FROM pipelines WHERE tenant_id = $1 AND id = $2
       ), p AS (
         UPDATE pipelines
            SET name = $3, ir = $4, paused = $5, schedule_kind = $6, updated_at = now(),
                version = CASE WHEN ir = $4::jsonb THEN version ELSE version + 1 END
          WHERE tenant_id = $1 AND id = $2
          RETURNING *
       ), v AS (
         INSERT INTO pipeline_versions (pipeline_id, version, ir, created_at, created_by)
         SELECT p.id, p.version, p.ir, p.updated_at, $10 FROM p, old WHERE p.version <> old.version
       ), s AS (
         UPDATE pipeline_state
            SET schedule_since = $7, next_fire_at = $8, previous_fire_at = $9, schedule_error = NULL, changed_at = clock_timestamp()
          WHERE pipeline_id = (SELECT id FROM p)
          RETURNING *
       )
       SELECT ${COLUMNS} FROM p JOIN s ON s.pipeline_id = p.id`,
      [
        tenantId,
        id,
        write.name,
        JSON.stringify(write.ir),
        write.paused,
        write.scheduleKind,
        write.scheduleSince,
        write.nextFireAt,
        write.previousFireAt,
        author,
      ],
    );
    return rows[0];
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const rows = await queryRows(
      this.dataSource,
      `DELETE FROM pipelines WHERE tenant_id = $1 AND id = $2 RETURNING id`,
      [tenantId, id],
    );
    return rows.length > 0;
  }

  /**
   * Inside a create's transaction: waits for any other create of the tenant to commit (a transaction-scoped advisory
   * lock per tenant, so concurrent creates cannot both pass the quota), then counts the tenant's pipelines.
   */
  async lockAndCountForCreate(
    tenantId: string,
    manager: EntityManager,
  ): Promise<number> {
    await queryRows(manager, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, [
      CREATE_LOCK_NAMESPACE,
      tenantId,
    ]);
    const [{ count }] = await queryRows<{ count: number }>(
      manager,
      `SELECT count(*)::int AS count FROM pipelines WHERE tenant_id = $1`,
      [tenantId],
    );
    return count;
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
