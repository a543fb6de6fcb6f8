#!/usr/bin/env node
// Status at scale (DESIGN §17): a 10,000-pipeline tenant's GET /scheduler-status while consoles poll it, and what
// that does to everyone else — the event loop, seen as GET /health/live latency from a probe that asks every 10 ms.
//
// Scenarios (each `--duration` seconds, the probe running throughout; the first is the same-run baseline):
//   idle            nothing but the probe
//   pages-304       N clients poll page 1 (limit=100) revalidating with If-None-Match, as browsers do (steady state)
//   pages-cold      N clients ask random pages (limit=100, random sort/offset) while the tenant changes every 500 ms
//                   (a run finishing, an edit): every request computes — the cache's worst case
//   full-cold       N clients ask the whole list (no limit, ~5 MB) while the tenant changes: the legacy path's worst case
//   full-cold-2     the same with 2 clients (the "two consoles" figure)
// Plus `pages-seq`: sequential random pages with the tenant changing (every one a cache miss): page latency p95.
//
//   node tools/bench/status-scale.bench.mjs [--pipelines 10000] [--clients 20] [--duration 20] [--no-build]
//        [--database-url URL] [--bundle dist/…/main.js (serve an older build: before/after)] [--json FILE]
//        [--scenarios idle,pages-304,…]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { connect, machineInfo, startStack } from '../perf/stack.mjs';
import { fmt, stats, table } from './lib.mjs';

const { values: args } = parseArgs({
  options: {
    pipelines: { type: 'string', default: '10000' },
    clients: { type: 'string', default: '20' },
    duration: { type: 'string', default: '20' },
    'page-requests': { type: 'string', default: '100' },
    scenarios: {
      type: 'string',
      default: 'idle,pages-304,pages-cold,full-cold-2,full-cold',
    },
    bundle: { type: 'string' },
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
  bundle: args.bundle,
  seed: {
    tenants: 1,
    pipelines: Number(args.pipelines),
    rows: 1000,
    noRuns: true,
  },
  log,
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const SORTS = ['name', 'lag', 'nextFire', 'lastRun', 'schedule'];

try {
  const auth = { authorization: `Bearer ${stack.tokens[0]}` };
  const statusUrl = `${stack.baseUrl}/api/v1/scheduler-status`;
  const liveUrl = `${stack.baseUrl}/api/v1/health/live`;
  const tenantId = stack.tenants[0].id;
  const first = await fetch(statusUrl, { headers: auth });
  const firstBody = await first.arrayBuffer();
  const rows = JSON.parse(Buffer.from(firstBody).toString()).pipelines.length;
  const paged =
    (await fetch(`${statusUrl}?limit=1`, { headers: auth })).status === 200;
  log(
    `status: ${rows} rows, ${(firstBody.byteLength / 1024 / 1024).toFixed(1)} MiB; paged api: ${paged}`,
  );

  /** Moves the tenant's version (as a finished run does) every `ms` until stopped: every cache entry goes stale. */
  async function churn(ms, signal) {
    const client = await connect(stack.databaseUrl);
    try {
      while (!signal.stopped) {
        await client.query(
          `UPDATE pipeline_state SET changed_at = clock_timestamp()
            WHERE pipeline_id = (SELECT id FROM pipelines WHERE tenant_id = $1 ORDER BY id LIMIT 1)`,
          [tenantId],
        );
        await sleep(ms);
      }
    } finally {
      await client.end();
    }
  }

  async function probe(signal) {
    const times = [];
    while (!signal.stopped) {
      const t0 = performance.now();
      const res = await fetch(liveUrl);
      await res.arrayBuffer();
      times.push(performance.now() - t0);
      await sleep(10);
    }
    return times;
  }

  async function client(urlFor, signal, { revalidate = false } = {}) {
    const times = [];
    let bytes = 0;
    let notModified = 0;
    let failed = 0;
    let etag = null;
    while (!signal.stopped) {
      const headers = {
        ...auth,
        ...(revalidate && etag ? { 'if-none-match': etag } : {}),
      };
      const t0 = performance.now();
      const res = await fetch(urlFor(), { headers });
      const body = await res.arrayBuffer();
      times.push(performance.now() - t0);
      bytes += body.byteLength;
      if (res.status === 304) notModified++;
      else if (res.status !== 200) {
        // Counted, not fatal: a 503 (pool exhausted) under load is a finding, and the stack must still be stopped.
        failed++;
        if (failed === 1)
          log(
            `status ${res.status}: ${Buffer.from(body).toString().slice(0, 200)}`,
          );
      }
      etag = res.headers.get('etag') ?? etag;
    }
    return { times, bytes, notModified, failed };
  }

  const randomPage = () => {
    const sort = SORTS[Math.floor(Math.random() * SORTS.length)];
    const offset = Math.floor(Math.random() * (rows / 100)) * 100;
    return `${statusUrl}?limit=100&sort=${sort}&order=${Math.random() < 0.5 ? 'asc' : 'desc'}&offset=${offset}`;
  };
  const scenarios = {
    idle: { clients: 0 },
    'pages-304': {
      clients: Number(args.clients),
      url: () => `${statusUrl}?limit=100`,
      revalidate: true,
    },
    'pages-cold': {
      clients: Number(args.clients),
      url: randomPage,
      churn: true,
    },
    'full-cold-2': { clients: 2, url: () => statusUrl, churn: true },
    'full-cold': {
      clients: Number(args.clients),
      url: () => statusUrl,
      churn: true,
    },
  };

  const results = [];
  const duration = Number(args.duration) * 1000;
  for (const name of args.scenarios.split(',')) {
    const scenario = scenarios[name];
    if (!scenario) throw new Error(`unknown scenario ${name}`);
    if (!paged && scenario.url === randomPage) continue;
    if (!paged && name === 'pages-304') continue;
    const load = (await machineInfo()).loadavg;
    const signal = { stopped: false };
    const probing = probe(signal);
    const churning = scenario.churn ? churn(500, signal) : null;
    const clients = Array.from({ length: scenario.clients }, () =>
      client(scenario.url, signal, { revalidate: scenario.revalidate }),
    );
    await sleep(duration);
    signal.stopped = true;
    const live = stats(await probing);
    const polled = await Promise.all(clients);
    await churning;
    const statusTimes = stats(polled.flatMap((c) => c.times));
    results.push({
      name,
      clients: scenario.clients,
      load,
      live,
      status: statusTimes,
      bytes: polled.reduce((s, c) => s + c.bytes, 0),
      notModified: polled.reduce((s, c) => s + c.notModified, 0),
      failed: polled.reduce((s, c) => s + c.failed, 0),
    });
    log(
      `${name}: live p50 ${fmt(live.p50)} p95 ${fmt(live.p95)} ms; status n=${statusTimes.n} p95 ${fmt(statusTimes.p95)} ms (load ${load})`,
    );
  }

  // Sequential random pages, each a cache miss (the tenant changes between requests).
  let pagesSeq = null;
  if (paged) {
    const times = [];
    const c = await connect(stack.databaseUrl);
    for (let i = 0; i < Number(args['page-requests']); i++) {
      await c.query(
        `UPDATE pipeline_state SET changed_at = clock_timestamp()
          WHERE pipeline_id = (SELECT id FROM pipelines WHERE tenant_id = $1 ORDER BY id LIMIT 1)`,
        [tenantId],
      );
      const t0 = performance.now();
      const res = await fetch(randomPage(), { headers: auth });
      await res.arrayBuffer();
      times.push(performance.now() - t0);
    }
    await c.end();
    pagesSeq = stats(times);
  }
  const after = await machineInfo();

  const out = [];
  out.push(
    `\nStatus at scale — ${machine.date}, ${machine.cpus} cpu(s) ${machine.cpuModel}, node ${machine.node}, PostgreSQL ${stack.serverVersion}`,
  );
  out.push(
    `tenant: ${rows} scheduled pipelines (of ${args.pipelines}), whole list ${(firstBody.byteLength / 1024 / 1024).toFixed(1)} MiB; bundle ${args.bundle ?? 'dist/apps/api/main.js'}; load average before ${machine.loadavg}, after ${after.loadavg}\n`,
  );
  const idle = results.find((r) => r.name === 'idle');
  out.push(
    table(
      [
        'scenario',
        'clients',
        'load avg',
        '/health/live p50',
        'p95',
        'p99',
        'max',
        'p95 / idle p95',
        'status n',
        'status p50',
        'status p95',
        '304s',
        'failed',
      ],
      results.map((r) => [
        r.name,
        r.clients,
        r.load,
        fmt(r.live.p50),
        fmt(r.live.p95),
        fmt(r.live.p99),
        fmt(r.live.max ?? NaN),
        idle ? `${fmt(r.live.p95 / idle.live.p95)}×` : '',
        r.status.n,
        fmt(r.status.p50),
        fmt(r.status.p95),
        r.notModified,
        r.failed,
      ]),
    ),
  );
  if (pagesSeq)
    out.push(
      `\npages of 100 rows, sequential, every one a cache miss: n=${pagesSeq.n} p50 ${fmt(pagesSeq.p50)} ms, p95 ${fmt(pagesSeq.p95)} ms (target p95 ≤ 100 ms: ${pagesSeq.p95 <= 100 ? 'met' : 'MISSED'})`,
    );
  console.log(out.join('\n'));
  if (args.json)
    writeFileSync(
      args.json,
      JSON.stringify({ machine, after, rows, results, pagesSeq }, null, 2),
    );
} finally {
  await stack.stop();
}
