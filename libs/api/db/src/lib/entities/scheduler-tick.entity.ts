import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type TickOutcome = 'dispatched' | 'skipped' | 'failed';

/** The tick ledger: one row per tick, whatever its outcome. */
@Entity({ name: 'scheduler_ticks' })
export class SchedulerTickEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  /** `http` (external cron), `internal` (in-process job), or a caller-supplied label. */
  @Column({ type: 'text' })
  caller!: string;

  @Column({ type: 'text' })
  outcome!: TickOutcome;

  @Column({ type: 'integer', default: 0 })
  due!: number;

  @Column({ type: 'integer', default: 0 })
  dispatched!: number;

  @Column({ type: 'integer', default: 0 })
  coalesced!: number;

  @Column({ name: 'skipped_by_policy', type: 'integer', default: 0 })
  skippedByPolicy!: number;

  /** Pipelines whose schedule could not be evaluated in this tick. */
  @Column({ type: 'integer', default: 0 })
  failed!: number;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs!: number | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  /** `[{ pipelineId, error }]` for pipelines passed over. */
  @Column({ type: 'jsonb', nullable: true })
  failures!: { pipelineId: string; error: string }[] | null;
}
