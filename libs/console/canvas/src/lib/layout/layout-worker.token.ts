import { InjectionToken } from '@angular/core';

/**
 * Creates the layout worker. `apps/console` provides it: the worker is an entry point of the app's build (and
 * `import.meta.url` is not something the libraries' Jest can load). The worker answers with `answerLayoutRequest`.
 * Without it, every graph is laid out on the main thread.
 */
export const LAYOUT_WORKER_FACTORY = new InjectionToken<(() => Worker) | null>(
  'LAYOUT_WORKER_FACTORY',
  { providedIn: 'root', factory: () => null },
);
