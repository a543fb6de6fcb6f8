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
import { SessionToken } from './auth/session-token';

export const appConfig: ApplicationConfig = {
  providers: [
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
    provideHttpClient(withFetch(), withInterceptors([authInterceptor])),
  ],
};
