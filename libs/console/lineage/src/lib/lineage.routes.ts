import type { Routes } from '@angular/router';

import { LineagePage } from './lineage-page/lineage-page';

/** Mounted by the app at `data/lineage` (lazy). */
export const lineageRoutes: Routes = [
  { path: '', title: 'Lineage · Flow', component: LineagePage },
];
