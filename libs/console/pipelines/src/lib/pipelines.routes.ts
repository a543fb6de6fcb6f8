import type { Routes } from '@angular/router';

import { PipelineDetailPage } from './pipeline-detail/pipeline-detail-page';
import { pipelineTabRoutes } from './pipeline-tabs';
import { PipelinesListPage } from './pipelines-list/pipelines-list-page';

/** Mounted by the app at `data/pipelines` (lazy). */
export const pipelinesRoutes: Routes = [
  { path: '', title: 'Pipelines · Flow', component: PipelinesListPage },
  {
    path: ':id',
    title: 'Pipeline · Flow',
    component: PipelineDetailPage,
    children: pipelineTabRoutes(),
  },
];
