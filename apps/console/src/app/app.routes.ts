import { Route } from '@angular/router';

import { NotFoundPage } from './not-found/not-found';

/** Every section is its own lazy chunk (ag-grid, the canvas and charts stay out of the initial bundle). */
export const appRoutes: Route[] = [
  { path: '', pathMatch: 'full', redirectTo: 'data/scheduler' },
  {
    path: 'data/scheduler',
    loadChildren: () =>
      import('@flow/console/scheduler').then((m) => m.schedulerRoutes),
  },
  {
    path: 'data/pipelines',
    loadChildren: () =>
      import('@flow/console/pipelines').then((m) => m.pipelinesRoutes),
  },
  {
    path: 'data/lineage',
    loadChildren: () =>
      import('@flow/console/lineage').then((m) => m.lineageRoutes),
  },
  { path: '**', title: 'Not found · Flow', component: NotFoundPage },
];
