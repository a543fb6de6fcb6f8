import { join } from 'node:path';

import {
  expect,
  test,
  type APIRequestContext,
  type Page,
} from '@playwright/test';

import type {
  LineageResponse,
  NodeMetricsResponse,
  PipelineListResponse,
  PipelineResponse,
  PipelineSummary,
  RunDetailResponse,
} from '@flow/contracts';

import type { TenantBody } from './support/api-types';
import { readE2eEnv } from './support/e2e-env';
import { expectedPath } from './support/lineage-path';

// The demo tenant (seeded by the global setup with `seed demo`): pipelines of several IR shapes, 30 runs of history
// each with per-node metrics, and a lineage four levels deep. Every expectation is read from the api, not written here.
const env = readE2eEnv();
const demoToken = env.demo.token;
test.use({ baseURL: env.baseUrl });

async function api<T>(
  request: APIRequestContext,
  path: string,
  token = demoToken,
): Promise<T> {
  const response = await request.get(`/api/v1${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status(), path).toBe(200);
  return (await response.json()) as T;
}

async function pipelineNamed(
  request: APIRequestContext,
  name: string,
): Promise<PipelineResponse> {
  const list = await api<PipelineListResponse>(request, '/pipelines?limit=100');
  const summary = list.items.find((item) => item.name === name);
  expect(summary, name).toBeDefined();
  return api<PipelineResponse>(request, `/pipelines/${summary?.id}`);
}

async function open(
  page: Page,
  path: string,
  token = demoToken,
): Promise<void> {
  await page.goto(`${path}#token=${token}`);
}

const screenshot = (page: Page, name: string) =>
  page.screenshot({
    path: join(test.info().project.outputDir, 'screenshots', `${name}.png`),
    fullPage: true,
  });

test('the top bar links the three sections, names the tenant and shows the role', async ({
  page,
}) => {
  // Cold page loads of three lazy sections on a busy 2-core machine.
  test.setTimeout(90_000);
  await open(page, '/data/pipelines');
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link')).toHaveText([
    'Scheduler',
    'Pipelines',
    'Lineage',
  ]);
  await expect(nav.getByRole('link', { name: 'Pipelines' })).toHaveAttribute(
    'aria-current',
    'page',
  );
  await expect(page.getByTestId('tenant-name')).toHaveText('Demo Inc.');
  // The role the token claims, viewer when it claims none (least privilege).
  const claims = JSON.parse(
    Buffer.from(demoToken.split('.')[1], 'base64url').toString('utf8'),
  ) as { role?: TenantBody['role'] };
  await expect(page.getByTestId('role')).toHaveText(claims.role ?? 'viewer');

  await nav.getByRole('link', { name: 'Lineage' }).click();
  await expect(page).toHaveURL(/\/data\/lineage$/);
  await expect(page.getByRole('heading', { name: 'Lineage' })).toBeVisible();
  await nav.getByRole('link', { name: 'Scheduler' }).click();
  await expect(page).toHaveURL(/\/data\/scheduler$/);
  await expect(page.getByRole('heading', { name: 'Scheduler' })).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL(/\/data\/lineage$/);
});

test('lists every pipeline from the keyset api with trigger, last run and paused, and filters by name in the URL', async ({
  page,
  request,
}) => {
  // Cold page loads of three lazy sections on a busy 2-core machine.
  test.setTimeout(90_000);
  const list = await api<PipelineListResponse>(request, '/pipelines?limit=100');
  await open(page, '/data/pipelines');
  const grid = page.getByRole('grid');
  // The grid renders the rows in view; the count says how many it holds.
  await expect(page.getByTestId('pipelines-count')).toHaveText(
    `${list.items.length} pipelines`,
  );

  const paused = list.items.find((item) => item.paused);
  const manual = list.items.find((item) => item.schedule === null);
  expect(paused).toBeDefined();
  expect(manual).toBeDefined();
  for (const item of [paused, manual, list.items[0]].filter(
    (found): found is PipelineSummary => found !== undefined,
  )) {
    await page.getByTestId('name-filter').fill(item.name);
    const row = grid
      .getByRole('row')
      .filter({ has: page.getByText(item.name, { exact: true }) });
    await expect(row.getByTestId('trigger')).toHaveText(
      item.schedule ?? 'manual',
    );
    await expect(row.getByTestId('status-pill').first()).toHaveAttribute(
      'data-status',
      item.lastRunStatus ?? 'never',
    );
    await expect(
      row.getByTestId(item.paused ? 'status-pill' : 'active').last(),
    ).toBeVisible();
  }
  await page.getByTestId('name-filter').fill('');
  await expect(page.getByTestId('pipelines-count')).toHaveText(
    `${list.items.length} pipelines`,
  );
  await screenshot(page, 'pipelines');

  await page.getByTestId('name-filter').fill('revenue');
  await expect(page).toHaveURL(/\?name=revenue$/);
  const expected = list.items
    .filter((item) => item.name.includes('revenue'))
    .map((item) => item.name);
  await expect(grid.getByTestId('pipeline-link')).toHaveText(expected);

  // Deep link: the filter comes back from the address.
  await page.reload();
  await expect(page.getByTestId('name-filter')).toHaveValue('revenue');
  await expect(grid.getByTestId('pipeline-link')).toHaveCount(expected.length);
});

test('draws the IR: one card per node, one edge per input, laid out left to right; keyboard moves and selects', async ({
  page,
  request,
}) => {
  const pipeline = await pipelineNamed(request, 'finance-dashboard');
  await open(page, `/data/pipelines/${pipeline.id}`);
  await expect(page).toHaveURL(
    new RegExp(`/data/pipelines/${pipeline.id}/runs$`),
  );
  const canvas = page.getByTestId('ir-canvas');
  await expect(canvas).toHaveAttribute('data-state', 'ready');

  const nodes = canvas.getByTestId('canvas-node');
  await expect(nodes).toHaveCount(pipeline.ir.nodes.length);
  const drawnIds = await nodes.evaluateAll((els) =>
    els.map((el) => el.getAttribute('data-node-id')),
  );
  expect(drawnIds.sort()).toEqual(
    pipeline.ir.nodes.map((node) => node.id).sort(),
  );
  const drawnKinds = Object.fromEntries(
    await nodes.evaluateAll((els) =>
      els.map((el) => [
        el.getAttribute('data-node-id'),
        el.getAttribute('data-kind'),
      ]),
    ),
  );
  for (const node of pipeline.ir.nodes)
    expect(drawnKinds[node.id]).toBe(node.type);

  const expectedEdges = pipeline.ir.nodes
    .flatMap((node) =>
      node.type === 'join'
        ? [`${node.left}>${node.id}`, `${node.right}>${node.id}`]
        : 'input' in node
          ? [`${node.input}>${node.id}`]
          : [],
    )
    .sort();
  const edges = canvas.getByTestId('canvas-edge');
  await expect(edges).toHaveCount(expectedEdges.length);
  const drawnEdges = await edges.evaluateAll((els) =>
    els.map(
      (el) =>
        `${el.getAttribute('data-source')}>${el.getAttribute('data-target')}`,
    ),
  );
  expect(drawnEdges.sort()).toEqual(expectedEdges);

  // Left to right: every edge's target card lies right of its source card.
  const boxes = new Map<string, { x: number }>();
  for (const id of drawnIds) {
    const box = await canvas.locator(`[data-node-id="${id}"]`).boundingBox();
    if (id && box) boxes.set(id, box);
  }
  for (const edge of expectedEdges) {
    const [source, target] = edge.split('>');
    expect(boxes.get(target)?.x ?? 0).toBeGreaterThan(
      boxes.get(source)?.x ?? 0,
    );
  }

  // Keyboard: Tab reaches the graph, arrows move between nodes, Space selects (the right pane shows the config).
  await canvas.locator('[data-node-id][tabindex="0"]').focus();
  const first = await page.evaluate(() =>
    document.activeElement?.getAttribute('data-node-id'),
  );
  await page.keyboard.press('ArrowRight');
  const second = await page.evaluate(() =>
    document.activeElement?.getAttribute('data-node-id'),
  );
  expect(second).not.toBe(first);
  expect(boxes.get(second ?? '')?.x ?? 0).toBeGreaterThan(
    boxes.get(first ?? '')?.x ?? 0,
  );
  await page.keyboard.press('Space');
  await expect(page).toHaveURL(new RegExp(`node=${second}`));
  await expect(page.getByTestId('config-node-id')).toHaveText(second ?? '');
  await expect(page.getByTestId('node-config')).toBeVisible();

  // Zoom buttons change the scale of the drawing.
  const before =
    (await canvas.locator(`[data-node-id="${first}"]`).boundingBox())?.width ??
    0;
  await canvas.getByRole('button', { name: 'Zoom in' }).click();
  await expect
    .poll(
      async () =>
        (await canvas.locator(`[data-node-id="${first}"]`).boundingBox())
          ?.width ?? 0,
    )
    .toBeGreaterThan(before);

  await page.getByTestId('tab-sql').click();
  await expect(page).toHaveURL(
    new RegExp(`/data/pipelines/${pipeline.id}/sql\\?node=${second}$`),
  );
  await expect(page.getByTestId('sql-text')).toContainText('INSERT INTO');
  await screenshot(page, 'pipeline-canvas-sql');
  await page.getByTestId('tab-dead-letters').click();
  // Its history is synthesised (no letters); the payments pipeline's are tested in dead-letters.spec.ts.
  await expect(page.getByTestId('letters-empty')).toContainText(
    'No open dead letters',
  );
});

test("the metrics drawer shows the node's figures for the selected run and a trend whose points are the runs", async ({
  page,
  request,
}) => {
  test.setTimeout(90_000);
  const pipeline = await pipelineNamed(request, 'finance-dashboard');
  const node = 'sane';
  const trend = await api<NodeMetricsResponse>(
    request,
    `/pipelines/${pipeline.id}/node-metrics?node=${node}&limit=30`,
  );
  expect(trend.items).toHaveLength(30);
  expect(trend.items.some((item) => item.status === 'failed')).toBe(true);
  const newest = trend.items[trend.items.length - 1];
  const run = await api<RunDetailResponse>(
    request,
    `/pipelines/${pipeline.id}/runs/${newest.runId}`,
  );
  const figures = run.nodeMetrics[node];

  await open(page, `/data/pipelines/${pipeline.id}/runs?node=${node}`);
  await page.getByTestId('open-metrics').click();
  const drawer = page.getByTestId('metrics-drawer');
  await expect(drawer.getByTestId('metrics-node')).toHaveText(node);
  await expect(drawer.getByTestId('run-figures')).toHaveAttribute(
    'data-run-id',
    run.id,
  );
  const formatted = (value: number | null) =>
    value === null ? '—' : value.toLocaleString('en-GB');
  await expect(drawer.getByTestId('figure-rows-in')).toHaveText(
    formatted(figures.rowsIn),
  );
  await expect(drawer.getByTestId('figure-rows-out')).toHaveText(
    formatted(figures.rowsOut),
  );
  await expect(drawer.getByTestId('figure-rows-rejected')).toHaveText(
    formatted(figures.rowsRejected),
  );
  await expect(drawer.getByTestId('figure-duration')).toHaveAttribute(
    'data-ms',
    String(figures.durationMs),
  );

  // The chart is drawn on a canvas: its points are the table beside it, one row per run, oldest first.
  await expect(drawer.getByTestId('trend-chart')).toHaveAttribute(
    'data-points',
    String(trend.items.length),
    // ag-charts is its own chunk, loaded when the drawer opens.
    { timeout: 30_000 },
  );
  await expect(drawer.locator('canvas').first()).toBeVisible();
  const rows = drawer.getByTestId('trend-row');
  await expect(rows).toHaveCount(trend.items.length);
  expect(
    await rows.evaluateAll((els) =>
      els.map((el) => el.getAttribute('data-run-id')),
    ),
  ).toEqual(trend.items.map((item) => item.runId));
  expect(
    await rows.evaluateAll((els) =>
      els.map((el) => el.getAttribute('data-status')),
    ),
  ).toEqual(trend.items.map((item) => item.status));
  await screenshot(page, 'pipeline-metrics-drawer');

  // Selecting an older run in the Runs tab shows that run's figures.
  const older = trend.items.find(
    (item) => item.recorded && item.runId !== newest.runId,
  );
  expect(older).toBeDefined();
  await drawer.getByTestId('close-metrics').click();
  await expect(drawer).toBeHidden();
  await page.goto(
    `/data/pipelines/${pipeline.id}/runs?node=${node}&metrics=1&run=${older?.runId}`,
  );
  await expect(page.getByTestId('run-figures')).toHaveAttribute(
    'data-run-id',
    older?.runId ?? '',
  );
  await expect(page.getByTestId('figure-rows-out')).toHaveText(
    formatted(older?.rowsOut ?? null),
  );
});

test("another tenant's pipeline is a not-found page", async ({
  page,
  request,
}) => {
  const pipeline = await pipelineNamed(request, 'finance-dashboard');
  await open(page, `/data/pipelines/${pipeline.id}`, env.tenantB.token);
  await expect(page.getByTestId('pipeline-not-found')).toBeVisible();
  await expect(page.getByTestId('ir-canvas')).toHaveCount(0);
  await screenshot(page, 'pipeline-not-found');
});

test('lineage: a row click highlights exactly the upstream and downstream tables, a graph node click selects its row', async ({
  page,
  request,
}) => {
  const lineage = await api<LineageResponse>(request, '/lineage');
  const table = 'revenue_rollup_hourly';
  const path = expectedPath(lineage, table);
  // orders → paid_orders_hourly → revenue_rollup_hourly → finance_dashboard → exec_summary, and not the unrelated.
  expect(path).toEqual(
    expect.arrayContaining([
      'orders',
      'paid_orders_hourly',
      'finance_dashboard',
      'exec_summary',
    ]),
  );
  expect(path).not.toContain('customers');

  // Loading the lineage, every pipeline's name and laying out the graph takes seconds on a busy 2-core machine.
  test.setTimeout(90_000);
  await open(page, '/data/lineage');
  const grid = page.getByTestId('lineage-grid');
  await expect(grid.getByTestId('lineage-table').first()).toBeVisible({
    timeout: 30_000,
  });
  const canvas = page.getByTestId('lineage-canvas');
  await expect(canvas).toHaveAttribute('data-state', 'ready');

  // The grid renders the rows in view: narrow it to the table's row first.
  await page.getByTestId('lineage-filter').fill(table);
  await grid
    .getByTestId('lineage-table')
    .getByText(table, { exact: true })
    .click();
  await page.getByTestId('lineage-filter').fill('');
  await expect(page).toHaveURL(new RegExp(`table=${table}$`));
  const lit = canvas.locator(
    '[data-testid="canvas-node"][data-dimmed="false"]',
  );
  const tableIds = async () =>
    (
      await lit.evaluateAll((els) =>
        els.map((el) => el.getAttribute('data-node-id') ?? ''),
      )
    )
      .filter((id) => id.startsWith('table:'))
      .map((id) => id.slice('table:'.length))
      .sort();
  await expect.poll(tableIds).toEqual(path);
  // The pipelines on the path are lit too, and everything else is dimmed.
  const pipelinesOnPath = new Set(
    lineage.edges
      .filter((edge) => path.includes(edge.from) && path.includes(edge.to))
      .map((edge) => edge.pipelineId),
  );
  const litPipelines = (
    await lit.evaluateAll((els) =>
      els.map((el) => el.getAttribute('data-node-id') ?? ''),
    )
  ).filter((id) => id.startsWith('pipeline:'));
  expect(litPipelines.length).toBeGreaterThan(0);
  for (const id of litPipelines)
    expect(pipelinesOnPath.has(id.slice('pipeline:'.length))).toBe(true);
  await expect(
    canvas.locator('[data-testid="canvas-node"][data-dimmed="true"]').first(),
  ).toBeVisible();
  await screenshot(page, 'lineage');

  // A graph node click selects its table's row.
  await canvas.locator('[data-node-id="table:customers"]').click();
  await expect(page).toHaveURL(/table=customers$/);
  await expect(grid.locator('.row-selected')).toContainText('customers');
  await expect.poll(tableIds).toEqual(expectedPath(lineage, 'customers'));
});

test('scheduler: fires outside the current year carry their year', async ({
  page,
}) => {
  await open(page, '/data/scheduler');
  const row = page
    .getByRole('grid')
    .getByRole('row')
    .filter({ has: page.getByText('orders-leap-day', { exact: true }) });
  const fires = row.getByTestId('next-fire');
  await expect(fires).toHaveCount(5);
  const thisYear = new Date().getFullYear();
  for (const fire of await fires.all()) {
    const iso = (await fire.getAttribute('datetime')) ?? '';
    const year = new Date(iso).getFullYear();
    if (year !== thisYear) await expect(fire).toContainText(String(year));
  }
});
