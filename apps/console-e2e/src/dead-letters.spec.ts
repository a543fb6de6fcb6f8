import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

import {
  expect,
  test,
  type APIRequestContext,
  type Page,
} from '@playwright/test';
import { Client } from 'pg';

import type {
  DeadLetterListResponse,
  PipelineListResponse,
  RunListResponse,
} from '@flow/contracts';

import { readE2eEnv } from './support/e2e-env';

// The demo tenant's `payments-settlement` (seed demo runs it once): 114 payments written, 6 rejected — 3 negative
// amounts (validate), 2 references too long for the target's varchar(12) and 1 without a method (NOT NULL) (write).
const env = readE2eEnv();
// The demo token is an editor's (the CLI's default role): it may replay.
const token = env.demo.token;
const PIPELINE = 'payments-settlement';
test.use({ baseURL: env.baseUrl });

async function api<T>(request: APIRequestContext, path: string): Promise<T> {
  const response = await request.get(`/api/v1${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status(), path).toBe(200);
  return (await response.json()) as T;
}

async function sql(text: string, parameters: unknown[] = []): Promise<void> {
  const client = new Client({ connectionString: env.databaseUrl });
  await client.connect();
  try {
    await client.query(text, parameters);
  } finally {
    await client.end();
  }
}

/** A worker process for the replays (the e2e api runs without one); stopped by the test that started it. */
function startWorker(): ChildProcess {
  const child = spawn(process.execPath, [env.worker.main, 'worker'], {
    env: { ...process.env, ...env.worker.env },
    stdio: 'ignore',
  });
  return child;
}

function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** A token of the demo tenant with the given role, minted by the api's CLI as an operator would. */
async function demoToken(role: 'viewer' | 'editor'): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      env.worker.main,
      'token',
      '--tenant',
      'demo',
      '--role',
      role,
      '--ttl',
      '1h',
    ],
    { env: { ...process.env, ...env.worker.env }, timeout: 60_000 },
  );
  return stdout.trim();
}

/** The page scrolls inside its host: bring the tab bar to the top, so a screenshot shows the tab. */
const scrollToTabs = (page: Page) =>
  page
    .getByTestId('tab-dead-letters')
    .evaluate((el) => el.scrollIntoView({ block: 'start' }));

const screenshot = (page: Page, name: string) =>
  page.screenshot({
    path: join(test.info().project.outputDir, 'screenshots', `${name}.png`),
    fullPage: true,
  });

test('lists the open dead letters of both kinds and replays them once their source rows are fixed', async ({
  browser,
  page,
  request,
}) => {
  // A cold lazy tab, a worker process starting and two replays, on a busy 2-core machine.
  test.setTimeout(300_000);
  const list = await api<PipelineListResponse>(request, '/pipelines?limit=100');
  const pipeline = list.items.find((item) => item.name === PIPELINE);
  expect(pipeline, PIPELINE).toBeDefined();
  const id = pipeline?.id ?? '';
  const seeded = await api<DeadLetterListResponse>(
    request,
    `/pipelines/${id}/dead-letters?status=open&limit=100`,
  );
  expect(seeded.counts).toEqual({ open: 6, replayed: 0 });
  expect(new Set(seeded.items.map((letter) => letter.kind))).toEqual(
    new Set(['validate', 'write']),
  );

  await page.goto(`/data/pipelines/${id}/dead-letters#token=${token}`);
  const counts = page.getByTestId('letter-counts');
  await expect(counts).toHaveAttribute('data-open', '6', { timeout: 60_000 });
  await expect(counts).toHaveAttribute('data-replayed', '0');
  const grid = page.getByTestId('letters-grid');
  const rows = grid
    .getByRole('row')
    .filter({ has: page.getByTestId('letter-row') });
  await expect(rows).toHaveCount(6);
  // Every letter as the api has it: kind, the database's reason for write letters, the row.
  for (const letter of seeded.items) {
    const row = rows.filter({
      has: page.getByText(`payments.id = ${String(letter.row['id'])}`, {
        exact: true,
      }),
    });
    await expect(row).toContainText(letter.kind);
    await expect(row).toContainText(letter.reason);
    await expect(row.getByTestId('letter-status')).toHaveAttribute(
      'data-status',
      'open',
    );
  }
  await expect(rows.getByTestId('letter-row').first()).toHaveAttribute(
    'title',
    /"reference"/,
  );
  // A click shows the whole letter.
  const tooLong = seeded.items.find((letter) =>
    letter.reason.includes('too long'),
  );
  expect(tooLong).toBeDefined();
  await rows
    .filter({
      has: page.getByText(`payments.id = ${String(tooLong?.row['id'])}`, {
        exact: true,
      }),
    })
    .getByTestId('letter-row')
    .click();
  await expect(page.getByTestId('letter-detail')).toContainText(
    'SETTLEMENT-BATCH-2026-',
  );
  await scrollToTabs(page);
  await screenshot(page, 'dead-letters');
  await page
    .getByTestId('letter-detail')
    .evaluate((el) => el.scrollIntoView({ block: 'end' }));
  await screenshot(page, 'dead-letters-detail');

  // A viewer sees the letters but no replay (the api would answer 403).
  const viewer = await browser.newPage({ baseURL: env.baseUrl });
  try {
    await viewer.goto(
      `/data/pipelines/${id}/dead-letters#token=${await demoToken('viewer')}`,
    );
    await expect(viewer.getByTestId('letter-counts')).toHaveAttribute(
      'data-open',
      '6',
      { timeout: 60_000 },
    );
    await expect(viewer.getByTestId('replay-read-only')).toBeVisible();
    await expect(viewer.getByTestId('replay-open')).toHaveCount(0);
    await expect(
      viewer.getByTestId('letters-grid').getByRole('checkbox'),
    ).toHaveCount(0);
  } finally {
    await viewer.close();
  }

  // Fix five of the six source rows; the payment without a method stays as it is.
  await sql(
    `UPDATE tenant_demo.payments SET amount = abs(amount) WHERE amount < 0`,
  );
  await sql(
    `UPDATE tenant_demo.payments SET reference = 'PAY-' || lpad(id::text, 6, '0') WHERE length(reference) > 12`,
  );

  const worker = startWorker();
  try {
    await page.getByTestId('replay-open').click();
    const outcome = page.getByTestId('replay-outcome');
    await expect(outcome).toHaveAttribute('data-outcome', 'succeeded', {
      timeout: 120_000,
    });
    await expect(outcome).toContainText('5 rows written');
    await expect(outcome).toContainText('1 still open');
    await expect(counts).toHaveAttribute('data-open', '1');
    await expect(counts).toHaveAttribute('data-replayed', '5');
    await expect(rows).toHaveCount(1);
    await expect(rows).toContainText('null value in column "method"');
    await expect(
      rows.getByRole('gridcell').filter({ hasText: /^1$/ }),
    ).toHaveCount(1);
    await screenshot(page, 'dead-letters-replayed');

    await page.getByTestId('filter-replayed').click();
    await expect(rows).toHaveCount(5);
    await expect(
      rows.getByTestId('letter-status').filter({ hasText: 'replayed' }),
    ).toHaveCount(5);

    // The last one, fixed and replayed on its own (selected).
    await sql(
      `UPDATE tenant_demo.payments SET method = 'card' WHERE method IS NULL`,
    );
    await page.getByTestId('dismiss-outcome').click();
    await expect(outcome).toHaveCount(0);
    await page.getByTestId('filter-open').click();
    await expect(rows).toHaveCount(1);
    await rows.getByRole('checkbox').check();
    await expect(page.getByTestId('replay-selected')).toHaveText(
      /Replay selected \(1\)/,
    );
    await page.getByTestId('replay-selected').click();
    await expect(outcome).toHaveAttribute('data-outcome', 'succeeded', {
      timeout: 120_000,
    });
    await expect(outcome).toContainText('1 row written');
    await expect(counts).toHaveAttribute('data-open', '0');
    await expect(counts).toHaveAttribute('data-replayed', '6');
    await expect(page.getByTestId('letters-empty')).toBeVisible();
    await expect(page.getByTestId('replay-open')).toBeDisabled();
  } finally {
    await stopWorker(worker);
  }

  // The replays are runs of their own, listed as such; the outcome links to the last one on the Runs tab.
  const runs = await api<RunListResponse>(
    request,
    `/pipelines/${id}/runs?limit=10`,
  );
  const replays = runs.items.filter((run) => run.trigger === 'replay');
  expect(replays).toHaveLength(2);
  expect(replays.every((run) => run.status === 'succeeded')).toBe(true);
  await page.getByTestId('replay-run-link').click();
  await expect(page).toHaveURL(
    new RegExp(`/data/pipelines/${id}/runs\\?run=${replays[0].id}$`),
  );
  const runRows = page.getByTestId('runs-grid').getByRole('row');
  await expect(
    runRows.filter({
      has: page.getByRole('gridcell', { name: 'replay', exact: true }),
    }),
  ).toHaveCount(2, { timeout: 60_000 });
});
