export * from './lib/dead-letters';
export * from './lib/error';
export * from './lib/health';
export * from './lib/ir';
export * from './lib/lineage';
export * from './lib/params';
export * from './lib/pipeline-versions';
export * from './lib/pipelines';
export * from './lib/runs';
export * from './lib/schedule';
export * from './lib/scheduler';
export * from './lib/streams';
export * from './lib/schema-builders';
export * from './lib/sql-preview';
export * from './lib/tenant';
/** The client types openapi-typescript generates from the checked-in OpenAPI document (`npm run contract`). */
export type * as OpenApi from './generated/openapi';
