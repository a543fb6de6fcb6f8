import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
} from 'typeorm';

/**
 * A rejected row: by a `validate` node with `onFail: "dlq"`, by the target table (`write`), or a file line that
 * does not parse (`parse`). Open until a replay run writes its source row again.
 */
@Entity({ name: 'dead_letters' })
export class DeadLetterEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'pipeline_id', type: 'uuid' })
  pipelineId!: string;

  @Column({ name: 'run_id', type: 'uuid' })
  runId!: string;

  @Column({ name: 'node_id', type: 'text' })
  nodeId!: string;

  @Column({ type: 'jsonb' })
  row!: Record<string, unknown>;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'text', default: 'validate' })
  kind!: 'validate' | 'write' | 'parse';

  /** `{"<source node id>": {"<key column>": value}}` for each keyed source the row came from; null when none. */
  @Column({ name: 'row_key', type: 'jsonb', nullable: true })
  rowKey!: Record<string, Record<string, unknown>> | null;

  @Column({ type: 'text', default: 'open' })
  status!: 'open' | 'replayed';

  /** Replays whose run rejected the row again. */
  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'replayed_by_run_id', type: 'uuid', nullable: true })
  replayedByRunId!: string | null;

  @Column({ type: 'text', nullable: true })
  file!: string | null;

  @Column({ type: 'bigint', nullable: true })
  line!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
