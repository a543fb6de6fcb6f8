import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

import type { PipelineIr, RunStatus, ScheduleKind } from '@flow/contracts';

@Entity({ name: 'pipelines' })
@Index('pipelines_tenant_name_key', ['tenantId', 'name'], { unique: true })
export class PipelineEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'jsonb' })
  ir!: PipelineIr;

  @Column({ name: 'schedule_kind', type: 'text', nullable: true })
  scheduleKind!: ScheduleKind | null;

  /** When the current schedule was set (creation or the edit that changed it): fires before it are never expected. */
  @Column({ name: 'schedule_since', type: 'timestamptz', nullable: true })
  scheduleSince!: Date | null;

  @Column({ type: 'boolean', default: false })
  paused!: boolean;

  /** The oldest fire not yet dispatched; null when unscheduled, paused or exhausted. */
  @Column({ name: 'next_fire_at', type: 'timestamptz', nullable: true })
  nextFireAt!: Date | null;

  /** Why the schedule could not be evaluated at the last tick, if it could not. */
  @Column({ name: 'schedule_error', type: 'text', nullable: true })
  scheduleError!: string | null;

  @Column({ name: 'last_run_at', type: 'timestamptz', nullable: true })
  lastRunAt!: Date | null;

  @Column({ name: 'last_run_status', type: 'text', nullable: true })
  lastRunStatus!: RunStatus | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
