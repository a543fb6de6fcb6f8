import { Route } from '@angular/router';

import { NotFoundPage } from './not-found/not-found';

export const appRoutes: Route[] = [
  { path: '', pathMatch: 'full', redirectTo: 'data/scheduler' },
  {
    path: 'data/scheduler',
    // Lazy: ag-grid lives in this chunk, outside the initial bundle.
    loadChildren: () =>
      import('@flow/console/scheduler').then((m) => m.schedulerRoutes),
  },
  { path: '**', title: 'Not found · Flow', component: NotFoundPage },
];
