// The perf stack shared by the CI load stage (tools/perf/ci-load.mjs) and the benchmarks (tools/bench/*.mjs):
// a PostgreSQL (throwaway embedded cluster, or a scratch database created on DATABASE_URL's server and dropped
// afterwards), the built api bundle, `seed perf`, tenant tokens, and `serve` on a free port — and one `stop()` that
// tears everything down whatever happened (also on SIGINT/SIGTERM).
//
//   const stack = await startStack({ seed: { tenants: 3, pipelines: 300, rows: 20000 } });
//   … stack.baseUrl, stack.tokens, stack.tenants, stack.query(sql), stack.env …
//   await stack.stop();
import { spawn } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

import { startThrowawayPostgres } from '../jest/postgres-global-setup.mjs';
import { nxEnv, run } from '../run-steps.mjs';

const require = createRequire(import.meta.url);
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BUNDLE = join(ROOT, 'dist/apps/api/main.js');

/** Fixed secrets of the perf stack (a throwaway setup; never used anywhere else). */
export const PERF_SECRETS = {
  CRON_SECRET: 'perf-cron-secret-0123456789abcdef',
  AUTH_JWT_SECRET: 'perf-jwt-secret-0123456789abcdef0123',
};

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** `npx nx build api` (cached by Nx when nothing changed). */
export async function buildApi(log = console.error) {
  const started = Date.now();
  const code = await run(
    'npx',
    ['nx', 'build', 'api', '--outputStyle=static'],
    {
      env: nxEnv,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  if (code !== 0 || !existsSync(BUNDLE))
    throw new Error('building the api failed (npx nx build api)');
  log(`stack: api built in ${Date.now() - started} ms`);
}

/** Runs the bundle's CLI with `env`; resolves with stdout (rejects with stderr on a non-zero exit). */
export function runBundle(
  args,
  env,
  { log = console.error, passStderr = true } = {},
) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [BUNDLE, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => {
      err += chunk;
      if (passStderr)
        for (const line of String(chunk).split('\n').filter(Boolean))
          log(`  ${line}`);
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolveRun(out)
        : reject(
            new Error(
              `flow ${args.join(' ')} exited ${code}: ${err.slice(-2000)}`,
            ),
          ),
    );
  });
}

/** HS256 tenant JWT, the same claims as the CLI's `token` command (signTenantToken). */
export async function mintToken(tenantId, ttlSeconds = 7200) {
  const { SignJWT } = require('jose');
  // admin: the perf scripts create pipelines and queue runs (writes need editor or admin, DESIGN §12).
  return new SignJWT({ tenant_id: tenantId, role: 'admin' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('flow-perf')
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(new TextEncoder().encode(PERF_SECRETS.AUTH_JWT_SECRET));
}

/** A pg client on `url` for the scripts' own queries (floors, resets, checks). */
export async function connect(url) {
  const pg = require('pg');
  const client = new pg.Client({
    connectionString: url,
    application_name: 'flow-perf',
  });
  await client.connect();
  return client;
}

async function waitReady(baseUrl, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(
        `the api exited with code ${child.exitCode} before it was ready`,
      );
    try {
      const res = await fetch(`${baseUrl}/api/v1/health/ready`, {
        signal: AbortSignal.timeout(2000),
      });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`the api was not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Starts the stack. Options:
 *   databaseUrl   use this server (a scratch database is created on it and dropped by stop()); default: embedded
 *   build         build the api first (default true)
 *   seed          `seed perf` options { tenants, pipelines, rows, history, allScheduled, noRuns } or false
 *   serve         start the api (default true)
 *   apiEnv        extra env for the api process (e.g. { DB_POOL_SIZE: '20' })
 *   readyTimeoutMs how long the api may take to answer /health/ready (default 180 s: a saturated machine)
 *   bundle        serve this api bundle instead of dist/apps/api/main.js (e.g. an older build, for before/after);
 *                 the seed always runs the current bundle
 *   nodeArgs      extra node flags for the api process (e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'])
 *   log           progress logger (default stderr)
 */
export async function startStack(options = {}) {
  const log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  const cleanups = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        log(`stack: cleanup failed: ${error?.message ?? error}`);
      }
    }
  };
  const onSignal = (signal) => {
    log(`stack: ${signal} — stopping`);
    stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    if (options.build !== false) await buildApi(log);
    else if (!existsSync(BUNDLE))
      throw new Error(`${BUNDLE} is missing: build the api (npx nx build api)`);

    // ---- database
    let databaseUrl;
    let serverVersion = '';
    const given = options.databaseUrl ?? null;
    if (given) {
      const name = `flow_perf_${process.pid}_${Date.now().toString(36)}`;
      const admin = await connect(given);
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(given);
      url.pathname = `/${name}`;
      databaseUrl = url.toString();
      cleanups.push(async () => {
        const c = await connect(given);
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
        log(`stack: dropped scratch database ${name}`);
      });
      log(`stack: scratch database ${name} on ${url.host}`);
    } else {
      const started = Date.now();
      const server = await startThrowawayPostgres();
      databaseUrl = server.url;
      cleanups.push(async () => {
        await server.stop();
        log('stack: throwaway PostgreSQL stopped');
      });
      log(
        `stack: throwaway PostgreSQL at ${new URL(databaseUrl).host} in ${Date.now() - started} ms`,
      );
    }
    {
      const c = await connect(databaseUrl);
      serverVersion = (await c.query('SHOW server_version')).rows[0]
        .server_version;
      await c.end();
    }

    const env = {
      DATABASE_URL: databaseUrl,
      ...PERF_SECRETS,
      WORKER_ENABLED: 'false',
      SCHEDULER_INTERNAL_TICK: 'false',
      LOG_LEVEL: process.env.PERF_LOG_LEVEL || 'warn',
    };

    // ---- seed
    let tenants = [];
    let seedMs = 0;
    if (options.seed !== false) {
      const s = options.seed ?? {};
      const args = ['seed', 'perf'];
      for (const key of ['tenants', 'pipelines', 'rows', 'history', 'prefix'])
        if (s[key] !== undefined) args.push(`--${key}`, String(s[key]));
      if (s.allScheduled) args.push('--all-scheduled');
      if (s.noRuns) args.push('--no-runs');
      const started = Date.now();
      const out = await runBundle(args, env, { log });
      seedMs = Date.now() - started;
      tenants = JSON.parse(
        out
          .trim()
          .split('\n')
          .filter((l) => l.startsWith('['))
          .pop(),
      );
      log(
        `stack: seeded ${tenants.length} tenant(s) in ${seedMs} ms (${args.slice(2).join(' ')})`,
      );
    }
    const tokens = await Promise.all(tenants.map((t) => mintToken(t.id)));

    // ---- api
    let baseUrl = null;
    let api = null;
    let apiLogFile = null;
    if (options.serve !== false) {
      const port = await freePort();
      baseUrl = `http://127.0.0.1:${port}`;
      const logDir = mkdtempSync(join(tmpdir(), 'flow-perf-api-'));
      apiLogFile = join(logDir, 'api.log');
      const logStream = createWriteStream(apiLogFile);
      api = spawn(
        process.execPath,
        [...(options.nodeArgs ?? []), options.bundle ?? BUNDLE, 'serve'],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            ...env,
            PORT: String(port),
            HOST: '127.0.0.1',
            ...(options.apiEnv ?? {}),
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      api.stdout.pipe(logStream);
      api.stderr.pipe(logStream);
      const exited = new Promise((r) => api.once('exit', r));
      cleanups.push(async () => {
        if (api.exitCode === null && api.signalCode === null) {
          api.kill('SIGTERM');
          const timer = setTimeout(() => api.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(timer);
        }
        log('stack: api stopped');
        rmSync(logDir, { recursive: true, force: true });
      });
      const started = Date.now();
      try {
        await waitReady(baseUrl, api, options.readyTimeoutMs ?? 180_000);
      } catch (error) {
        log(
          `stack: api log:\n${readFileSync(apiLogFile, 'utf8').slice(-3000)}`,
        );
        throw error;
      }
      log(
        `stack: api ready at ${baseUrl} in ${Date.now() - started} ms (pid ${api.pid})`,
      );
    }

    return {
      databaseUrl,
      serverVersion,
      env,
      tenants,
      tokens,
      seedMs,
      baseUrl,
      api,
      apiLogFile,
      apiLog: () =>
        apiLogFile && existsSync(apiLogFile)
          ? readFileSync(apiLogFile, 'utf8')
          : '',
      query: async (sql, params) => {
        const c = await connect(databaseUrl);
        try {
          return (await c.query(sql, params)).rows;
        } finally {
          await c.end();
        }
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Machine facts for reports. */
export async function machineInfo() {
  const os = await import('node:os');
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    loadavg: os
      .loadavg()
      .map((v) => v.toFixed(2))
      .join(' '),
    date: new Date().toISOString(),
  };
}
