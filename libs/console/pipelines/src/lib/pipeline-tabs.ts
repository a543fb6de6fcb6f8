import type { Type } from '@angular/core';
import type { Route } from '@angular/router';

/**
 * The tabs under a pipeline's canvas, in order. Each is a lazy child route (`/data/pipelines/:id/<path>`), so a tab
 * is deep-linkable and its code loads when first opened. Adding a tab is adding an entry here: the tab bar and the
 * routes are both made from this list. A tab component reads the page's state from `PipelineDetailState`.
 */
export interface PipelineTab {
  path: string;
  label: string;
  load: () => Promise<Type<unknown>>;
}

export const PIPELINE_TABS: readonly PipelineTab[] = [
  {
    path: 'runs',
    label: 'Runs',
    load: () => import('./runs-tab/runs-tab').then((m) => m.RunsTab),
  },
  {
    path: 'sql',
    label: 'SQL',
    load: () => import('./sql-tab/sql-tab').then((m) => m.SqlTab),
  },
  {
    path: 'dead-letters',
    label: 'Dead letters',
    load: () =>
      import('@flow/console/dead-letters').then((m) => m.DeadLettersTab),
  },
  {
    path: 'versions',
    label: 'Versions',
    load: () =>
      import('./versions-tab/versions-tab').then((m) => m.VersionsTab),
  },
];

/** The tabs as child routes; the pipeline's address alone opens the first tab. */
export function pipelineTabRoutes(
  tabs: readonly PipelineTab[] = PIPELINE_TABS,
): Route[] {
  return [
    { path: '', pathMatch: 'full', redirectTo: tabs[0].path },
    ...tabs.map((tab) => ({ path: tab.path, loadComponent: tab.load })),
  ];
}
