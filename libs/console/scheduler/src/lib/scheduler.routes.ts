import type { Routes } from '@angular/router';

import { SchedulerPage } from './scheduler-page/scheduler-page';

/** Mounted by the app at `data/scheduler` (lazy). */
export const schedulerRoutes: Routes = [
  { path: '', title: 'Scheduler · Flow', component: SchedulerPage },
];
