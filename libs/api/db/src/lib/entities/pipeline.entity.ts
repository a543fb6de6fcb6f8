import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

import type { PipelineIr, ScheduleKind } from '@flow/contracts';

/** What people edit; the state that changes as the pipeline fires and runs is `PipelineStateEntity`. */
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

  @Column({ type: 'boolean', default: false })
  paused!: boolean;

  /** 1 at creation, +1 on every IR change; the ETag of the pipeline and its IR. */
  @Column({ type: 'integer', default: 1 })
  version!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
