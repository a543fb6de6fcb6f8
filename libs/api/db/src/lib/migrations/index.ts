import { InitialSchema1764230400000 } from './1764230400000-initial-schema';
import { PipelineState1764892800000 } from './1764892800000-pipeline-state';
import { DeadLetterLifecycle1796160000000 } from './1796160000000-dead-letter-lifecycle';
import { PipelineVersions1796213000000 } from './1796213000000-pipeline-versions';
import { StreamOffsets1796216000000 } from './1796216000000-stream-offsets';
import { FileArrivals1796217000000 } from './1796217000000-file-arrivals';

/** Listed explicitly, oldest first: glob paths do not survive the webpack bundle. */
export const MIGRATIONS = [
  InitialSchema1764230400000,
  PipelineState1764892800000,
  DeadLetterLifecycle1796160000000,
  PipelineVersions1796213000000,
  StreamOffsets1796216000000,
  FileArrivals1796217000000,
];
