import { InjectionToken } from '@angular/core';

import { viewerTimeZone } from './format-fire-time';

/** The zone the page shows times in; the browser's own unless overridden (tests). */
export const VIEWER_TIME_ZONE = new InjectionToken<string>('VIEWER_TIME_ZONE', {
  providedIn: 'root',
  factory: viewerTimeZone,
});
