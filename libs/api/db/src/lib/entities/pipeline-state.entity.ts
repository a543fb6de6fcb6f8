import { Column, Entity, PrimaryColumn } from 'typeorm';

import type { RunStatus } from '@flow/contracts';

/**
 * A pipeline's fast-changing state, one narrow row per pipeline (created by a trigger with the pipeline, deleted
 * with it): the tick rewrites the schedule columns of every pipeline it dispatches, the worker the last-run columns
 * of every run — neither touches the wide `pipelines` row.
 */
@Entity({ name: 'pipeline_state' })
export class PipelineStateEntity {
  @PrimaryColumn({ name: 'pipeline_id', type: 'uuid' })
  pipelineId!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  /** When the current schedule was set (creation or the edit that changed it): fires before it are never expected. */
  @Column({ name: 'schedule_since', type: 'timestamptz', nullable: true })
  scheduleSince!: Date | null;

  /** The oldest fire not yet dispatched; null when unscheduled, paused or exhausted. */
  @Column({ name: 'next_fire_at', type: 'timestamptz', nullable: true })
  nextFireAt!: Date | null;

  /** The schedule's fire just before `nextFireAt` (null when that is not after `scheduleSince`, or paused). */
  @Column({ name: 'previous_fire_at', type: 'timestamptz', nullable: true })
  previousFireAt!: Date | null;

  /** Why the schedule could not be evaluated at the last tick, if it could not. */
  @Column({ name: 'schedule_error', type: 'text', nullable: true })
  scheduleError!: string | null;

  /** Start of the latest run. */
  @Column({ name: 'last_run_at', type: 'timestamptz', nullable: true })
  lastRunAt!: Date | null;

  @Column({ name: 'last_run_status', type: 'text', nullable: true })
  lastRunStatus!: RunStatus | null;

  /** Last write by an edit or a run (the tick's advances do not set it). */
  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;
}
