import { Column, Entity, PrimaryColumn } from 'typeorm';

import type { PipelineIr } from '@flow/contracts';

/** One IR version of a pipeline (DESIGN §13): the IR as saved, by whom (the JWT `sub`) and when. */
@Entity({ name: 'pipeline_versions' })
export class PipelineVersionEntity {
  @PrimaryColumn({ name: 'pipeline_id', type: 'uuid' })
  pipelineId!: string;

  @PrimaryColumn({ type: 'integer' })
  version!: number;

  @Column({ type: 'jsonb' })
  ir!: PipelineIr;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Null for versions from before versioning and for pipelines inserted without an author (seeds). */
  @Column({ name: 'created_by', type: 'text', nullable: true })
  createdBy!: string | null;
}
