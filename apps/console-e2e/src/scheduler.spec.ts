import { join } from 'node:path';

import {
  expect,
  test as base,
  type APIRequestContext,
  type Locator,
  type Page,
} from '@playwright/test';

import type {
  SchedulerStatusResponse,
  SchedulerStatusRow,
} from '@flow/contracts';

import { LARGE_TENANT_PIPELINES, readE2eEnv } from './support/e2e-env';

// The stack (api + PostgreSQL + seeded tenants) is started once by the global setup; see playwright.config.mts.
// The tests run in file order on one worker; the last one runs a scheduler tick, so it stays last.
const env = readE2eEnv();
const names = env.pipelines;

/**
 * `pageA`: tenant A's scheduler page, loaded once per worker and shared by the read-only tests (loading Angular and
 * ag-grid in a fresh context costs seconds on this shared machine). Tests that navigate use their own `page`.
 * Playwright restarts the worker after a failed test, so a broken shared page does not leak into the next test.
 */
const test = base.extend<object, { pageA: Page }>({
  pageA: [
    async ({ browser }, use) => {
      // The config's `use` context options do not reach contexts made by hand: the same ones, here.
      const context = await browser.newContext({
        baseURL: env.baseUrl,
        locale: 'en-GB',
        timezoneId: 'Europe/Berlin',
        viewport: { width: 1440, height: 900 },
      });
      const page = await context.newPage();
      await openScheduler(page, env.tenantA.token, 4);
      await use(page);
      await context.close();
    },
    { scope: 'worker' },
  ],
});
test.use({ baseURL: env.baseUrl });

const TRANSPARENT = 'rgba(0, 0, 0, 0)';

async function fetchStatus(
  request: APIRequestContext,
  token: string,
): Promise<SchedulerStatusResponse> {
  const response = await request.get('/api/v1/scheduler-status', {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status()).toBe(200);
  return (await response.json()) as SchedulerStatusResponse;
}

/** Opens the page the way `npm start`'s link does, and waits for the grid to show `rows` pipelines. */
async function openScheduler(
  page: Page,
  token: string,
  rows: number,
): Promise<void> {
  await page.goto(`/data/scheduler#token=${token}`);
  await expect(page.getByRole('grid')).toBeVisible();
  await expect(page.getByRole('grid').getByTestId('pipeline-name')).toHaveCount(
    rows,
  );
}

/** The grid row of a pipeline, found by its exact name (names share prefixes). */
function rowOf(page: Page, name: string): Locator {
  return page
    .getByRole('grid')
    .getByRole('row')
    .filter({
      has: page.getByTestId('pipeline-name').getByText(name, { exact: true }),
    });
}

const byName = (
  status: SchedulerStatusResponse,
  name: string,
): SchedulerStatusRow => {
  const row = status.pipelines.find((pipeline) => pipeline.name === name);
  if (!row) throw new Error(`${name} is not in the api's response`);
  return row;
};

/** Day of the month of an instant in New York. */
const newYorkDay = (iso: string) =>
  Number(
    new Intl.DateTimeFormat('en-US', {
      timeZone: 'America/New_York',
      day: 'numeric',
    }).format(new Date(iso)),
  );

test('takes the token from the URL fragment, removes it from the address bar and keeps it for reloads', async ({
  page,
}) => {
  await openScheduler(page, env.tenantA.token, 4);
  expect(page.url()).toBe(`${env.baseUrl}/data/scheduler`);
  expect(page.url()).not.toContain(env.tenantA.token);
  expect(await page.evaluate(() => window.location.hash)).toBe('');

  await page.reload();
  await expect(page.getByRole('grid').getByTestId('pipeline-name')).toHaveCount(
    4,
  );
});

test("shows exactly the tenant's scheduled pipelines: no other tenant's, no unscheduled one", async ({
  pageA: page,
  request,
}) => {
  const status = await fetchStatus(request, env.tenantA.token);
  const apiNames = status.pipelines.map((row) => row.name);
  expect([...apiNames].sort()).toEqual(
    [names.onTime, names.late, names.paused, names.dstCron].sort(),
  );

  const gridNames = await page
    .getByRole('grid')
    .getByTestId('pipeline-name')
    .allTextContents();
  expect(gridNames.map((name) => name.trim()).sort()).toEqual(
    [...apiNames].sort(),
  );
  await expect(page.getByText(names.otherTenant)).toHaveCount(0);
  await expect(page.getByText(names.unscheduled)).toHaveCount(0);
});

test('shows the other tenant only its own pipeline', async ({
  page,
  request,
}) => {
  const other = await fetchStatus(request, env.tenantB.token);
  expect(other.pipelines.map((row) => row.name)).toEqual([names.otherTenant]);
  await openScheduler(page, env.tenantB.token, 1);
  await expect(page.getByRole('grid').getByTestId('pipeline-name')).toHaveText([
    names.otherTenant,
  ]);
  await expect(page.getByText(names.onTime)).toHaveCount(0);
});

test('colours the late pipeline amber and the on-time one green', async ({
  pageA: page,
  request,
}) => {
  const status = await fetchStatus(request, env.tenantA.token);
  expect(byName(status, names.onTime)).toMatchObject({
    lagMinutes: 1,
    lagLevel: 'green',
  });
  expect(byName(status, names.late)).toMatchObject({
    lagMinutes: 12,
    lagLevel: 'amber',
  });

  const onTime = rowOf(page, names.onTime).getByTestId('lag');
  const late = rowOf(page, names.late).getByTestId('lag');
  await expect(onTime).toHaveAttribute('data-lag-level', 'green');
  await expect(late).toHaveAttribute('data-lag-level', 'amber');
  await expect(onTime).toContainText('1 min');
  await expect(late).toContainText('12 min');
  await expect(late).toContainText('late');
  await expect(rowOf(page, names.paused).getByTestId('lag')).toHaveAttribute(
    'data-lag-level',
    'none',
  );

  const background = (cell: Locator) =>
    cell.evaluate((element) => getComputedStyle(element).backgroundColor);
  const [green, amber] = [await background(onTime), await background(late)];
  expect(green).not.toBe(TRANSPARENT);
  expect(amber).not.toBe(TRANSPARENT);
  expect(green).not.toBe(amber);
});

test("shows each row's next 5 fires as the API computes them, with the DST day marked", async ({
  pageA: page,
  request,
}) => {
  const status = await fetchStatus(request, env.tenantA.token);

  for (const row of status.pipelines) {
    expect(row.nextFires, row.name).toHaveLength(5);
    const fires = rowOf(page, row.name).getByTestId('next-fire');
    await expect(fires, row.name).toHaveCount(5);
    const datetimes = await fires.evaluateAll((times) =>
      times.map((time) => time.getAttribute('datetime')),
    );
    expect(datetimes, row.name).toEqual(row.nextFires);
  }

  // All five are visible, none clipped by the column (dates further out than a week take more room).
  const clipped = await page.getByTestId('next-fires').evaluateAll((cells) =>
    cells.flatMap((cell) => {
      const column = cell.closest('[role="gridcell"]')?.getBoundingClientRect();
      return Array.from(cell.querySelectorAll('.fire'))
        .filter(
          (fire) =>
            !column || fire.getBoundingClientRect().right > column.right,
        )
        .map(
          (fire) =>
            `${fire.textContent?.trim()} (right ${Math.round(fire.getBoundingClientRect().right)} > ${Math.round(column?.right ?? 0)})`,
        );
    }),
  );
  expect(clipped).toEqual([]);

  // `30 2 * 3 0` in New York: the five next Sundays of March always include the second one, when the clocks
  // spring forward (and 02:30 does not exist). Exactly those fires carry the DST mark.
  const dst = byName(status, names.dstCron);
  expect(dst.schedule).toMatchObject({
    type: 'cron',
    text: '30 2 * 3 0',
    timezone: 'America/New_York',
  });
  const expectedMarked = dst.nextFires.filter(
    (iso) => newYorkDay(iso) >= 8 && newYorkDay(iso) <= 14,
  );
  expect(expectedMarked.length).toBeGreaterThan(0);
  const fireGroups = rowOf(page, names.dstCron)
    .getByTestId('next-fire')
    .locator('xpath=..');
  const marked = await fireGroups.evaluateAll((groups) =>
    groups
      .filter((group) => group.querySelector('[data-testid="dst-mark"]'))
      .map((group) => group.querySelector('time')?.getAttribute('datetime')),
  );
  expect(marked).toEqual(expectedMarked);
});

test('counts on-time, late, paused and total pipelines as the API reports them', async ({
  pageA: page,
  request,
}) => {
  const status = await fetchStatus(request, env.tenantA.token);
  const active = status.pipelines.filter((row) => !row.paused);
  const expected = {
    onTime: active.filter((row) => row.lagLevel === 'green').length,
    late: active.filter((row) => row.lagLevel === 'amber').length,
    paused: status.pipelines.filter((row) => row.paused).length,
    total: status.pipelines.length,
  };
  expect(expected).toEqual({ onTime: 1, late: 1, paused: 1, total: 4 });

  await expect(page.getByTestId('count-on-time')).toHaveText(
    `${expected.onTime} on time`,
  );
  await expect(page.getByTestId('count-late')).toHaveText(
    `${expected.late} late`,
  );
  await expect(page.getByTestId('count-paused')).toHaveText(
    `${expected.paused} paused`,
  );
  await expect(page.getByTestId('count-total')).toHaveText(
    `${expected.total} total`,
  );
  await expect(page.getByTestId('count-errors')).toHaveCount(0);
});

test('moves focus through the grid with the arrow keys', async ({
  pageA: page,
}) => {
  const focused = () =>
    page.evaluate(() => {
      const cell = document.activeElement?.closest('[role="gridcell"]');
      const row = cell?.closest('[role="row"]');
      return cell && row
        ? {
            row: Number(row.getAttribute('aria-rowindex')),
            column: Number(cell.getAttribute('aria-colindex')),
          }
        : null;
    });

  const grid = page.getByRole('grid');
  await grid
    .getByRole('row')
    .filter({ has: page.getByRole('gridcell') })
    .first()
    .getByRole('gridcell')
    .first()
    .click();
  const focusedAtStart = await focused();
  expect(focusedAtStart).not.toBeNull();
  const start = focusedAtStart as { row: number; column: number };

  await page.keyboard.press('ArrowDown');
  await expect
    .poll(focused)
    .toEqual({ row: start.row + 1, column: start.column });
  await page.keyboard.press('ArrowRight');
  await expect
    .poll(focused)
    .toEqual({ row: start.row + 1, column: start.column + 1 });
  await page.keyboard.press('ArrowUp');
  await expect
    .poll(focused)
    .toEqual({ row: start.row, column: start.column + 1 });
});

test('a bad token shows the session-expired message and no data', async ({
  page,
}) => {
  await page.goto('/data/scheduler#token=not-a-valid-token');
  const message = page.getByTestId('session-expired');
  await expect(message).toBeVisible();
  await expect(message).toHaveAttribute('role', 'alert');
  await expect(message).toContainText('Your session has expired');
  await expect(page.getByRole('grid')).toHaveCount(0);
  expect(page.url()).not.toContain('not-a-valid-token');
  await expect(page.getByTestId('auto-refresh-toggle')).toHaveAttribute(
    'data-auto-refresh',
    'off',
  );
});

test('full-page screenshot', async ({ pageA: page }) => {
  // No focus ring or hover highlight left over from the keyboard test in the picture.
  await page.evaluate(() =>
    (document.activeElement as HTMLElement | null)?.blur(),
  );
  await page.mouse.move(0, 0);
  // Let ag-grid finish sizing columns before the picture.
  await expect(page.getByTestId('updated-ago')).toBeVisible();
  await page.screenshot({
    path: join(test.info().project.outputDir, 'scheduler.png'),
    fullPage: true,
  });
});

test('pages a large tenant: counts from the api, blocks loaded while scrolling, sorted and filtered by the api', async ({
  page,
}) => {
  // Several round trips to the api and a fresh page load on a shared machine.
  test.setTimeout(120_000);
  const statusUrls: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/api/v1/scheduler-status'))
      statusUrls.push(request.url());
  });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`/data/scheduler#token=${env.tenantLarge.token}`);
  const grid = page.getByRole('grid');
  await expect(page.getByTestId('paged-note')).toBeVisible();
  await expect(page.getByTestId('count-total')).toHaveText(
    `${LARGE_TENANT_PIPELINES} total`,
  );
  const names = grid.getByTestId('pipeline-name');
  await expect(names.first()).toHaveText('bulk-0001');
  // Only a block was asked for, never every row.
  expect(statusUrls.every((url) => /[?&]limit=\d+/.test(url))).toBe(true);

  await page.screenshot({
    path: join(test.info().project.outputDir, 'scheduler-large.png'),
    fullPage: true,
  });

  // Jumping to the last row (Ctrl+End from a cell) loads the last block from the api.
  await names.first().click();
  await page.keyboard.press('Control+End');
  await expect(
    names.getByText(`bulk-${String(LARGE_TENANT_PIPELINES).padStart(4, '0')}`, {
      exact: true,
    }),
  ).toBeVisible();
  expect(statusUrls.some((url) => /[?&]offset=1100\b/.test(url))).toBe(true);
  await page.keyboard.press('Control+Home');
  await expect(names.first()).toHaveText('bulk-0001');

  // The api sorts: name descending puts the last pipeline first.
  const nameHeader = page.getByRole('columnheader', { name: 'Pipeline' });
  await nameHeader.click();
  await nameHeader.click();
  await expect(names.first()).toHaveText('bulk-1200');
  expect(
    statusUrls.some((url) => /sort=name&order=desc|order=desc/.test(url)),
  ).toBe(true);

  // The quick filter goes to the api: bulk-0110 … bulk-0119.
  await page.getByTestId('quick-filter').fill('bulk-011');
  await expect(names).toHaveCount(10);
  expect(statusUrls.some((url) => /[?&]q=bulk-011\b/.test(url))).toBe(true);
});

// Last: it runs a tick, after which the dead-man warning is gone for the rest of the run.
test('warns that no scheduler tick has run, until a tick runs and the page refreshes', async ({
  page,
  request,
}) => {
  const before = await fetchStatus(request, env.tenantA.token);
  expect(before.lastTickAt).toBeNull();
  expect(before.warnings).toHaveLength(1);

  await openScheduler(page, env.tenantA.token, 4);
  const banner = page.getByTestId('status-warnings');
  await expect(banner).toBeVisible();
  await expect(banner).toHaveAttribute('role', 'status');
  await expect(banner).toContainText('No scheduler tick has run yet');
  await expect(page.getByTestId('last-tick')).toHaveText(
    'no scheduler tick yet',
  );

  const tick = await request.post('/api/v1/cron/flow-scheduler-tick', {
    headers: { authorization: `Bearer ${env.cronSecret}` },
  });
  expect(tick.status()).toBe(200);
  // Not `dispatched: 0`: the demo tenant seeded for the pages spec has pipelines due.
  expect(await tick.json()).toMatchObject({ skipped: false });

  // A tenant's status version is shared for up to a second (docs/scheduler.md), so a refresh within that second may
  // still answer from before the tick: refresh as a user would, until the tick shows.
  await expect(async () => {
    await page.getByTestId('refresh-button').click();
    await expect(banner).toHaveCount(0, { timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  const after = await fetchStatus(request, env.tenantA.token);
  expect(after.warnings).toEqual([]);
  await expect(page.getByTestId('last-tick').locator('time')).toHaveAttribute(
    'datetime',
    after.lastTickAt ?? '',
  );
  await expect(page.getByTestId('last-tick')).toHaveText('last tick just now');
  // The tick changed nothing for these pipelines (none was due).
  await expect(page.getByTestId('count-late')).toHaveText('1 late');
});
