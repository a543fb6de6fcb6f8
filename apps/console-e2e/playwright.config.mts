import { defineConfig } from '@playwright/test';

/**
 * The console's end-to-end tests: the built api (serving the built console) against a throwaway PostgreSQL, driven
 * in Debian's chromium (`/usr/bin/chromium`; never `playwright install`, which downloads and fails here).
 *
 * Run with `npx nx e2e console-e2e`: the target builds `api` and `console` first (project.json); the global setup
 * starts PostgreSQL and the api and seeds two tenants, the global teardown stops them whatever happens.
 * One worker, headless: the machine has 2 cores shared with other jobs, and the tests share one seeded stack.
 */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: './src',
  testMatch: '**/*.spec.ts',
  outputDir: './test-output',
  globalSetup: './src/support/global-setup.ts',
  globalTeardown: './src/support/global-teardown.ts',
  fullyParallel: false,
  workers: 1,
  // No retries: the tests share one seeded stack and the last one runs a tick; a flaky test must be seen, not hidden.
  retries: 0,
  forbidOnly: !!process.env['CI'],
  // A test's own steps wait up to 10 s each; the budget for a whole test must survive a saturated 2-core machine.
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    headless: true,
    viewport: { width: 1440, height: 900 },
    locale: 'en-GB',
    // The viewer's zone differs from UTC, the api's process zone and tenant B's: times must still match the api's.
    timezoneId: 'Europe/Berlin',
    // Traces cost seconds per test on this shared 2-core machine; when needed: `npx nx e2e console-e2e --trace=on`.
    trace: 'off',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
