import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

import type { RunStatus, RunTrigger } from '@flow/contracts';

/** One execution of a pipeline. `UNIQUE(pipeline_id, scheduled_for)` is a scheduled fire's identity. */
@Entity({ name: 'pipeline_runs' })
export class PipelineRunEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'pipeline_id', type: 'uuid' })
  pipelineId!: string;

  @Column({ type: 'text' })
  trigger!: RunTrigger;

  /** The fire this run is for; null for manual runs (NULLs never conflict in the unique key). */
  @Column({ name: 'scheduled_for', type: 'timestamptz', nullable: true })
  scheduledFor!: Date | null;

  @Column({ type: 'text', default: 'queued' })
  status!: RunStatus;

  /** A replay's chosen dead letters; null for every open one (and for other triggers). */
  @Column({
    name: 'replay_dead_letter_ids',
    type: 'uuid',
    array: true,
    nullable: true,
  })
  replayDeadLetterIds!: string[] | null;

  /** The pipeline's IR version this run executed (set when claimed, corrected when the IR is read); null before. */
  @Column({ name: 'ir_version', type: 'integer', nullable: true })
  irVersion!: number | null;

  @Column({ type: 'integer', default: 0 })
  attempt!: number;

  @Column({ name: 'queued_at', type: 'timestamptz' })
  queuedAt!: Date;

  /** Not claimable before this instant (retry backoff). */
  @Column({ name: 'available_at', type: 'timestamptz' })
  availableAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'heartbeat_at', type: 'timestamptz', nullable: true })
  heartbeatAt!: Date | null;

  @Column({ name: 'worker_id', type: 'text', nullable: true })
  workerId!: string | null;

  @Column({ name: 'rows_read', type: 'bigint', nullable: true })
  rowsRead!: string | null;

  @Column({ name: 'rows_written', type: 'bigint', nullable: true })
  rowsWritten!: string | null;

  @Column({ name: 'rows_rejected', type: 'bigint', nullable: true })
  rowsRejected!: string | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'node_metrics', type: 'jsonb', nullable: true })
  nodeMetrics!: Record<string, unknown> | null;

  @Column({ name: 'tick_id', type: 'uuid', nullable: true })
  tickId!: string | null;
}
