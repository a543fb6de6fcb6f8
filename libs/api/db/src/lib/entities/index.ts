import { DeadLetterEntity } from './dead-letter.entity';
import { PipelineRunEntity } from './pipeline-run.entity';
import { PipelineStateEntity } from './pipeline-state.entity';
import { PipelineVersionEntity } from './pipeline-version.entity';
import { PipelineEntity } from './pipeline.entity';
import { SchedulerTickEntity } from './scheduler-tick.entity';
import { TenantEntity } from './tenant.entity';

export {
  DeadLetterEntity,
  PipelineEntity,
  PipelineRunEntity,
  PipelineStateEntity,
  PipelineVersionEntity,
  SchedulerTickEntity,
  TenantEntity,
};

/** Listed explicitly: glob paths do not survive the webpack bundle. */
export const ENTITIES = [
  TenantEntity,
  PipelineEntity,
  PipelineStateEntity,
  PipelineVersionEntity,
  PipelineRunEntity,
  SchedulerTickEntity,
  DeadLetterEntity,
];
