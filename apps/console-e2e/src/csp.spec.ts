import { join } from 'node:path';

import { expect, test, type Page } from '@playwright/test';

import type { PipelineListResponse } from '@flow/contracts';

import { readE2eEnv } from './support/e2e-env';

// Every console page under the api's strict Content-Security-Policy (docs/reliability.md, "Security headers"): the
// browser must report no violation (the `securitypolicyviolation` event, recorded from before the page's own
// scripts run) and no console error on any of them.
const env = readE2eEnv();
const demoToken = env.demo.token;
test.use({ baseURL: env.baseUrl });

interface Recorded {
  violations: string[];
  errors: string[];
}

function record(page: Page): Recorded {
  const recorded: Recorded = { violations: [], errors: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') recorded.errors.push(message.text());
  });
  page.on('pageerror', (error) => recorded.errors.push(error.message));
  return recorded;
}

async function violationsIn(page: Page): Promise<string[]> {
  return page.evaluate(
    () =>
      (window as unknown as { __cspViolations?: string[] }).__cspViolations ??
      [],
  );
}

test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => {
    const list: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = list;
    document.addEventListener('securitypolicyviolation', (event) => {
      list.push(
        `${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber}) ${event.sample}`,
      );
    });
  });
});

test('the console document carries the strict policy with a fresh nonce that its root element uses', async ({
  request,
}) => {
  const first = await request.get('/data/scheduler');
  const second = await request.get('/data/lineage');
  const policy = first.headers()['content-security-policy'];
  expect(policy).toContain("default-src 'self'");
  expect(policy).toContain("script-src 'self';");
  expect(policy).not.toContain('unsafe-eval');
  expect(policy).not.toMatch(/script-src[^;]*unsafe-inline/);
  expect(policy).toContain("frame-ancestors 'none'");
  expect(policy).toContain("object-src 'none'");
  expect(policy).toContain("base-uri 'none'");
  expect(first.headers()['x-content-type-options']).toBe('nosniff');
  expect(first.headers()['referrer-policy']).toBe('no-referrer');
  const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
  expect(nonce).toBeTruthy();
  expect(await first.text()).toContain(`ngcspnonce="${nonce}"`);
  expect(second.headers()['content-security-policy']).not.toContain(
    `'nonce-${nonce}'`,
  );
});

test('no page of the console triggers a CSP violation or a console error', async ({
  page,
  request,
}) => {
  // Eight cold page loads (lazy chunks, ag-grid, the canvas, ag-charts) on a busy 2-core machine.
  test.setTimeout(180_000);
  const list = (await (
    await request.get('/api/v1/pipelines?limit=100', {
      headers: { authorization: `Bearer ${demoToken}` },
    })
  ).json()) as PipelineListResponse;
  const pipeline = list.items.find((item) => item.name === 'finance-dashboard');
  expect(pipeline).toBeDefined();
  const id = pipeline?.id ?? '';
  const recorded = record(page);

  const pages: { path: string; ready: (page: Page) => Promise<void> }[] = [
    {
      path: '/data/scheduler',
      ready: (p) => expect(p.getByRole('grid')).toBeVisible(),
    },
    {
      path: '/data/pipelines',
      ready: (p) => expect(p.getByRole('grid')).toBeVisible(),
    },
    {
      path: `/data/pipelines/${id}/runs?node=sane&metrics=1`,
      ready: async (p) => {
        await expect(p.getByTestId('metrics-drawer')).toBeVisible();
        await expect(
          p.getByTestId('metrics-drawer').locator('canvas').first(),
        ).toBeVisible({ timeout: 30_000 });
      },
    },
    {
      path: `/data/pipelines/${id}/sql`,
      ready: (p) => expect(p.getByTestId('sql-text')).toBeVisible(),
    },
    {
      path: `/data/pipelines/${id}/dead-letters`,
      ready: (p) => expect(p.getByTestId('letter-counts')).toBeVisible(),
    },
    {
      path: `/data/pipelines/${id}/versions`,
      ready: (p) => expect(p.getByTestId('versions-list')).toBeVisible(),
    },
    {
      path: '/data/lineage',
      ready: (p) => expect(p.getByRole('grid')).toBeVisible(),
    },
    {
      path: '/no-such-page',
      ready: (p) => expect(p.getByRole('heading').first()).toBeVisible(),
    },
  ];
  for (const { path, ready } of pages) {
    await page.goto(`${path}#token=${demoToken}`);
    await ready(page);
    expect(await violationsIn(page), path).toEqual([]);
    const name = path.split('?')[0].replace(/[^a-z0-9]+/gi, '-');
    await page.screenshot({
      path: join(
        test.info().project.outputDir,
        'screenshots',
        `csp${name}.png`,
      ),
      fullPage: true,
    });
  }
  // Chromium also logs every CSP violation as a console error: this catches one that came after a page's check.
  expect(recorded.errors).toEqual([]);
});

test('/api/docs renders under its own policy without violations', async ({
  page,
}) => {
  test.setTimeout(60_000);
  const recorded = record(page);
  const response = await page.goto('/api/docs');
  expect(response?.headers()['content-security-policy']).toContain(
    "frame-ancestors 'none'",
  );
  await expect(page.locator('.swagger-ui .info .title')).toBeVisible({
    timeout: 30_000,
  });
  await expect(page.locator('.opblock').first()).toBeVisible();
  expect(await violationsIn(page)).toEqual([]);
  expect(recorded.errors).toEqual([]);
});
