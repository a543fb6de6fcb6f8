/** Playwright global teardown: stops the api and PostgreSQL started by the global setup, whatever happened. */
import { stopStack } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  await stopStack();
}
