export { PipelinesApi } from './lib/data-access/pipelines-api';
export { PipelineDetailState } from './lib/pipeline-detail/pipeline-detail-state';
export { PIPELINE_TABS, type PipelineTab } from './lib/pipeline-tabs';
export { pipelinesRoutes } from './lib/pipelines.routes';
