import { APP_BASE_HREF } from '@angular/common';
import {
  provideHttpClient,
  withFetch,
  withInterceptors,
} from '@angular/common/http';
import {
  ApplicationConfig,
  inject,
  provideAppInitializer,
  provideBrowserGlobalErrorListeners,
  provideZonelessChangeDetection,
} from '@angular/core';
import { provideRouter } from '@angular/router';

import { LAYOUT_WORKER_FACTORY } from '@flow/console/canvas/worker-token';
import { CAN_WRITE } from '@flow/console/ui/session';

import { appRoutes } from './app.routes';
import { authInterceptor } from './auth/auth.interceptor';
import { Session } from './auth/session';
import { rateLimitInterceptor } from './http/rate-limit';
import { SessionToken } from './auth/session-token';

export const appConfig: ApplicationConfig = {
  providers: [
    // No <base href>: the page's CSP says `base-uri 'none'`. The build writes root-absolute URLs (deployUrl '/'),
    // the api client uses absolute paths, and the router gets its base from here.
    { provide: APP_BASE_HREF, useValue: '/' },
    provideBrowserGlobalErrorListeners(),
    provideZonelessChangeDetection(),
    // Before the router's first navigation, so it never sees the token in the URL.
    provideAppInitializer(() => inject(SessionToken).captureFromUrl()),
    provideRouter(appRoutes),
    // Large graphs (the lineage) are laid out off the main thread; the worker is an entry point of this build.
    {
      provide: LAYOUT_WORKER_FACTORY,
      useValue: () =>
        new Worker(new URL('./layout.worker', import.meta.url), {
          type: 'module',
        }),
    },
    // Feature libraries hide write actions from viewers; the role comes from the app's session.
    { provide: CAN_WRITE, useFactory: () => inject(Session).canWrite },
    // The rate-limit back-off wraps the auth interceptor, so a retry goes through it again.
    provideHttpClient(
      withFetch(),
      withInterceptors([rateLimitInterceptor, authInterceptor]),
    ),
  ],
};
