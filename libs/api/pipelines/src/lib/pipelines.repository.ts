import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import { queryRows } from '@flow/api/db';

import type { PipelineIr, RunStatus, ScheduleKind } from '@flow/contracts';

export interface PipelineRow {
  id: string;
  tenant_id: string;
  name: string;
  ir: PipelineIr;
  schedule_kind: ScheduleKind | null;
  schedule_since: Date | null;
  paused: boolean;
  next_fire_at: Date | null;
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

export interface PipelineWrite {
  name: string;
  ir: PipelineIr;
  paused: boolean;
  scheduleKind: ScheduleKind | null;
  scheduleSince: Date | null;
  nextFireAt: Date | null;
}

const COLUMNS = `id, tenant_id, name, ir, schedule_kind, schedule_since, paused, next_fire_at, last_run_at, last_run_status, created_at, updated_at`;

/** Queries on `pipelines`, always scoped by tenant: another tenant's id simply finds nothing. */
@Injectable()
export class PipelinesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Keyset page ordered by name (unique per tenant), served by the (tenant_id, name) unique index. */
  async listPage(
    tenantId: string,
    limit: number,
    afterName: string | null,
  ): Promise<PipelineListRow[]> {
    return queryRows(
      this.dataSource,
      `SELECT id, name, schedule_kind, paused, last_run_at, last_run_status, updated_at
         FROM pipelines
        WHERE tenant_id = $1 AND ($2::text IS NULL OR name > $2)
        ORDER BY name
        LIMIT $3`,
      [tenantId, afterName, limit],
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
      `SELECT ${COLUMNS} FROM pipelines WHERE tenant_id = $1 AND id = $2 ${lock ? 'FOR UPDATE' : ''}`,
      [tenantId, id],
    );
    return rows[0] ?? null;
  }

  async findIr(tenantId: string, id: string): Promise<PipelineIr | null> {
    const rows = await queryRows<{ ir: PipelineIr }>(
      this.dataSource,
      `SELECT ir FROM pipelines WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return rows[0]?.ir ?? null;
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
    manager: EntityManager,
  ): Promise<PipelineRow> {
    const rows = await queryRows<PipelineRow>(
      manager,
      `INSERT INTO pipelines (tenant_id, name, ir, paused, schedule_kind, schedule_since, next_fire_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       RETURNING ${COLUMNS}`,
      [
        tenantId,
        write.name,
        JSON.stringify(write.ir),
        write.paused,
        write.scheduleKind,
        write.scheduleSince,
        write.nextFireAt,
      ],
    );
    return rows[0];
  }

  async update(
    tenantId: string,
    id: string,
    write: PipelineWrite,
    manager: EntityManager,
  ): Promise<PipelineRow> {
    const rows = await queryRows<PipelineRow>(
      manager,
      `UPDATE pipelines
          SET name = $3, ir = $4, paused = $5, schedule_kind = $6, schedule_since = $7, next_fire_at = $8,
              schedule_error = NULL, updated_at = now()
        WHERE tenant_id = $1 AND id = $2
        RETURNING ${COLUMNS}`,
      [
        tenantId,
        id,
        write.name,
        JSON.stringify(write.ir),
        write.paused,
        write.scheduleKind,
        write.scheduleSince,
        write.nextFireAt,
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

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
