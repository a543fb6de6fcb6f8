import { join } from 'node:path';

import { expect, test, type APIRequestContext } from '@playwright/test';

import type { LineageResponse, PipelineIr } from '@flow/contracts';

import { readE2eEnv } from './support/e2e-env';
import { expectedPath } from './support/lineage-path';

// DESIGN §11: the lineage page "works for a lineage of 500 tables without freezing". A tenant of its own gets five
// binary trees of 100 tables each (table k of a tree is written by a pipeline reading table ⌊(k−1)/2⌋): 500 tables
// and 495 pipelines, so a row click lights a root-to-leaf path plus a subtree and dims most of the graph.
const env = readE2eEnv();
const token = env.lineage.token;
test.use({ baseURL: env.baseUrl });

const TREES = 5;
const TABLES_PER_TREE = 100;
const tableName = (tree: number, k: number) => `t${tree}_${k}`;

const ir = (source: string, target: string): PipelineIr => ({
  version: 1,
  schedule: null,
  nodes: [
    { id: 'src', type: 'source', table: source, columns: ['id'] },
    { id: 'out', type: 'target', input: 'src', table: target, mode: 'append' },
  ],
});

/** POST with a bounded retry on 429 (a rate limit honours Retry-After; the burst below is not what it guards). */
async function createPipeline(
  request: APIRequestContext,
  name: string,
  body: PipelineIr,
): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const response = await request.post('/api/v1/pipelines', {
      headers: { authorization: `Bearer ${token}` },
      data: { name, ir: body },
    });
    if (response.status() === 429) {
      const wait = Number(response.headers()['retry-after'] ?? '1');
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
      continue;
    }
    expect(response.status(), `${name}: ${await response.text()}`).toBe(201);
    return;
  }
  throw new Error(`${name}: still rate-limited after 20 attempts`);
}

test('lineage of 500 tables: the page lays it out, a row click lights exactly the path, the page stays responsive', async ({
  page,
  request,
}) => {
  test.setTimeout(300_000);
  const jobs: [string, PipelineIr][] = [];
  for (let tree = 0; tree < TREES; tree++) {
    for (let k = 1; k < TABLES_PER_TREE; k++) {
      jobs.push([
        `tree-${tree}-${k}`,
        ir(tableName(tree, Math.floor((k - 1) / 2)), tableName(tree, k)),
      ]);
    }
  }
  // Four requests in flight: quick, and no burst the api would have to queue.
  for (let i = 0; i < jobs.length; i += 4) {
    await Promise.all(
      jobs
        .slice(i, i + 4)
        .map(([name, body]) => createPipeline(request, name, body)),
    );
  }

  const response = await request.get('/api/v1/lineage', {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status()).toBe(200);
  const lineage = (await response.json()) as LineageResponse;
  expect(lineage.nodes).toHaveLength(TREES * TABLES_PER_TREE);
  expect(lineage.edges).toHaveLength(TREES * (TABLES_PER_TREE - 1));

  // Table 4 of tree 2: its ancestors 1 and 0, its subtree 9, 10, 19–22, 39–46, 79–94 — 33 tables of 500.
  const table = tableName(2, 4);
  const path = expectedPath(lineage, table);
  expect(path).toHaveLength(33);

  // The longest main-thread task from here on, reported (not asserted: timings are for benchmarks, not tests).
  await page.addInitScript(() => {
    const w = window as unknown as { __longestTask: number };
    w.__longestTask = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries())
        w.__longestTask = Math.max(w.__longestTask, entry.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(`/data/lineage#token=${token}`);
  const grid = page.getByTestId('lineage-grid');
  const canvas = page.getByTestId('lineage-canvas');
  await expect(grid.getByTestId('lineage-table').first()).toBeVisible({
    timeout: 60_000,
  });
  await expect(canvas).toHaveAttribute('data-state', 'ready', {
    timeout: 60_000,
  });

  await page.getByTestId('lineage-filter').fill(table);
  await grid
    .getByTestId('lineage-table')
    .getByText(table, { exact: true })
    .click();
  await expect(page).toHaveURL(new RegExp(`table=${table}$`));
  await expect(page.getByText('33 tables on the path')).toBeVisible();
  // The canvas renders what is in view (virtualised): the view moves to the path, where the selected table is a
  // lit card, every lit card is on the path, and every other card drawn is dimmed.
  const rendered = async () =>
    canvas
      .locator('[data-testid="canvas-node"]')
      .evaluateAll((els) =>
        els.map((el): [string, string | null] => [
          el.getAttribute('data-node-id') ?? '',
          el.getAttribute('data-dimmed'),
        ]),
      );
  await expect
    .poll(
      async () =>
        (await rendered()).find(([id]) => id === `table:${table}`)?.[1],
      { timeout: 30_000 },
    )
    .toBe('false');
  const drawn = await rendered();
  const litTables = drawn
    .filter(([id, dimmed]) => dimmed === 'false' && id.startsWith('table:'))
    .map(([id]) => id.slice('table:'.length));
  expect(litTables.length).toBeGreaterThan(1);
  for (const lit of litTables) expect(path).toContain(lit);
  for (const [id, dimmed] of drawn.filter(([node]) =>
    node.startsWith('table:'),
  ))
    expect(`${id} dimmed=${dimmed}`).toBe(
      `${id} dimmed=${!path.includes(id.slice('table:'.length))}`,
    );
  await page.screenshot({
    path: join(
      test.info().project.outputDir,
      'screenshots',
      'lineage-500-tables-path.png',
    ),
    fullPage: true,
  });

  // Responsive after the highlight: typing into the filter narrows the grid at once.
  await page.getByTestId('lineage-filter').fill(tableName(4, 99));
  await expect(
    grid.getByTestId('lineage-table').getByText(tableName(4, 99), {
      exact: true,
    }),
  ).toBeVisible();
  const longestTask = await page.evaluate(
    () => (window as unknown as { __longestTask: number }).__longestTask,
  );
  test.info().annotations.push({
    type: 'longest main-thread task (ms)',
    description: longestTask.toFixed(0),
  });
  console.log(
    `lineage of 500 tables: longest main-thread task ${longestTask.toFixed(0)} ms`,
  );
  await page.getByTestId('lineage-filter').fill('');
  await page.screenshot({
    path: join(
      test.info().project.outputDir,
      'screenshots',
      'lineage-500-tables.png',
    ),
    fullPage: true,
  });
});
