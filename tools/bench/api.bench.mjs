#!/usr/bin/env node
// Read-API benchmarks (DESIGN §10) on the full perf dataset, against the built api over HTTP:
//  (c) GET /api/v1/scheduler-status for a 1,000-pipeline tenant (5 next fires each): p50/p95 of sequential
//      requests (target p95 ≤ 100 ms), interleaved with GET /health/ready — SELECT 1 through the same HTTP stack,
//      guard-less route and pool — as the baseline; plus the same at 10 concurrent connections;
//  (d) the four k6 endpoints at 50 connections (tools/perf/load-runner.mjs, the `target` budget: p95 ≤ 40 ms list/IR,
//      ≤ 80 ms sql-preview/lineage, 0 errors), beside GET /health/live and /health/ready at 50 connections.
//
//   node tools/bench/api.bench.mjs [--tenants 10] [--pipelines 1000] [--rows 100000] [--duration 30]
//        [--connections 50] [--status-requests 200] [--no-build] [--database-url URL] [--json FILE]
//        [--pool N]  (DB_POOL_SIZE of the api; default: the api's default)
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { formatTable, runLoad } from '../perf/load-runner.mjs';
import { freePort, machineInfo, ROOT, startStack } from '../perf/stack.mjs';
import { cannon, fmt, stats, table } from './lib.mjs';

const { values: args } = parseArgs({
  options: {
    tenants: { type: 'string', default: '10' },
    pipelines: { type: 'string', default: '1000' },
    rows: { type: 'string', default: '100000' },
    duration: { type: 'string', default: '30' },
    connections: { type: 'string', default: '50' },
    'status-requests': { type: 'string', default: '200' },
    pool: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    'database-url': {
      type: 'string',
      default: process.env.PERF_DATABASE_URL || undefined,
    },
    json: { type: 'string' },
  },
  strict: true,
});
const log = (line) => process.stderr.write(`${line}\n`);
const machine = await machineInfo();
const stack = await startStack({
  databaseUrl: args['database-url'],
  build: !args['no-build'],
  seed: {
    tenants: Number(args.tenants),
    pipelines: Number(args.pipelines),
    rows: Number(args.rows),
  },
  apiEnv: args.pool ? { DB_POOL_SIZE: args.pool } : {},
  log,
});

async function get(url, headers = {}) {
  const t0 = performance.now();
  const res = await fetch(url, { headers });
  const body = await res.arrayBuffer();
  const ms = performance.now() - t0;
  if (res.status !== 200)
    throw new Error(
      `GET ${url} → ${res.status} ${Buffer.from(body).toString().slice(0, 200)}`,
    );
  return { ms, bytes: body.byteLength, body };
}

/** A bare Fastify server (no Nest, no guard, no pool) in a process of its own: the framework floor. */
async function bareFastify(connections) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      '-e',
      `require('fastify')().get('/live', async () => ({ status: 'ok' })).listen({ port: ${port}, host: '127.0.0.1' })`,
    ],
    { cwd: ROOT, stdio: 'ignore' },
  );
  try {
    for (let i = 0; i < 50; i++) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/live`)).status === 200)
          break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return await cannon(`http://127.0.0.1:${port}/live`, {
      connections,
      duration: 10,
    });
  } finally {
    child.kill('SIGTERM');
  }
}

try {
  const auth = { authorization: `Bearer ${stack.tokens[0]}` };
  const statusUrl = `${stack.baseUrl}/api/v1/scheduler-status`;
  const readyUrl = `${stack.baseUrl}/api/v1/health/ready`;
  const liveUrl = `${stack.baseUrl}/api/v1/health/live`;

  // ---- (c) scheduler-status, sequential, interleaved with the SELECT 1 baseline
  const first = await get(statusUrl, auth);
  const rows = JSON.parse(Buffer.from(first.body).toString()).pipelines.length;
  for (let i = 0; i < 20; i++)
    await Promise.all([get(statusUrl, auth), get(readyUrl)]); // warm-up
  const statusTimes = [];
  const readyTimes = [];
  for (let i = 0; i < Number(args['status-requests']); i++) {
    statusTimes.push((await get(statusUrl, auth)).ms);
    readyTimes.push((await get(readyUrl)).ms);
  }
  const status = stats(statusTimes);
  const ready = stats(readyTimes);
  const status10 = await cannon(statusUrl, {
    connections: 10,
    duration: 10,
    headers: auth,
  });
  const ready10 = await cannon(readyUrl, { connections: 10, duration: 5 });

  // ---- (d) the k6 endpoints at 50 connections, beside the stack's floors at the same concurrency
  const connections = Number(args.connections);
  const bare50 = await bareFastify(connections);
  const live50 = await cannon(liveUrl, { connections, duration: 10 });
  const ready50 = await cannon(readyUrl, { connections, duration: 10 });
  await runLoad({
    baseUrl: stack.baseUrl,
    tokens: stack.tokens,
    connections,
    duration: 5,
    budget: 'target',
    log: () => undefined,
  }); // warm-up
  const load = await runLoad({
    baseUrl: stack.baseUrl,
    tokens: stack.tokens,
    connections,
    duration: Number(args.duration),
    budget: 'target',
    log,
  });
  const after = await machineInfo();

  const out = [];
  out.push(
    `\nAPI benchmarks — ${machine.date}, ${machine.cpus} cpu(s) ${machine.cpuModel}, node ${machine.node}, PostgreSQL ${stack.serverVersion}`,
  );
  out.push(
    `dataset: ${args.tenants} tenants × ${args.pipelines} pipelines, ${args.rows}-row source tables (seeded in ${(stack.seedMs / 1000).toFixed(1)} s); ` +
      `api DB_POOL_SIZE ${args.pool ?? 'default'}; load average before ${machine.loadavg}, after ${after.loadavg}\n`,
  );
  out.push(
    `(c) GET /scheduler-status, tenant with ${rows} scheduled pipelines, ${(first.bytes / 1024).toFixed(0)} KiB`,
  );
  out.push(
    table(
      ['measure', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'target'],
      [
        [
          'scheduler-status, sequential',
          status.n,
          fmt(status.p50),
          fmt(status.p95),
          fmt(status.p99),
          'p95 ≤ 100 ms',
        ],
        [
          'baseline /health/ready (SELECT 1), sequential',
          ready.n,
          fmt(ready.p50),
          fmt(ready.p95),
          fmt(ready.p99),
          '',
        ],
        [
          'scheduler-status, 10 connections',
          status10.n,
          fmt(status10.p50),
          fmt(status10.p95),
          fmt(status10.p99),
          '',
        ],
        [
          'baseline /health/ready, 10 connections',
          ready10.n,
          fmt(ready10.p50),
          fmt(ready10.p95),
          fmt(ready10.p99),
          '',
        ],
      ],
    ),
  );
  out.push(
    `status p95 = ${fmt(status.p95 / ready.p95)}× the SELECT 1 baseline's p95 (sequential); ${status.p95 <= 100 ? 'target met' : 'target MISSED'}\n`,
  );
  out.push(
    `(d) the k6 endpoints, ${connections} connections, ${args.duration} s (budget 'target')`,
  );
  out.push(formatTable(load));
  out.push('');
  out.push(
    table(
      [
        'baseline at the same concurrency',
        'req/s',
        'p50 ms',
        'p95 ms',
        'p99 ms',
      ],
      [
        [
          'bare Fastify route (no Nest, separate process)',
          fmt(bare50.rps, 0),
          fmt(bare50.p50),
          fmt(bare50.p95),
          fmt(bare50.p99),
        ],
        [
          'GET /health/live (HTTP stack only)',
          fmt(live50.rps, 0),
          fmt(live50.p50),
          fmt(live50.p95),
          fmt(live50.p99),
        ],
        [
          'GET /health/ready (+ SELECT 1 via pool)',
          fmt(ready50.rps, 0),
          fmt(ready50.p50),
          fmt(ready50.p95),
          fmt(ready50.p99),
        ],
      ],
    ),
  );
  out.push(
    Object.entries(load.endpoints)
      .map(
        ([name, r]) =>
          `${name} p95 = ${fmt(r.p95 / ready50.p95)}× /health/ready's p95`,
      )
      .join('; '),
  );
  console.log(out.join('\n'));
  if (args.json)
    writeFileSync(
      args.json,
      JSON.stringify(
        {
          machine,
          after,
          postgres: stack.serverVersion,
          status,
          ready,
          status10,
          ready10,
          bare50,
          live50,
          ready50,
          load,
        },
        null,
        2,
      ),
    );
} finally {
  await stack.stop();
}
