#!/usr/bin/env node
// Mixed load (DESIGN §17): the k6 endpoints at 50 connections (tools/perf/load-runner.mjs, budget 'target') while
// 20 consoles poll a 10,000-pipeline tenant's status every 30 s and the scheduler tick runs every minute — beside
// the same run without the consoles (the same-run baseline). Each endpoint's p95 in both runs, and the ratio.
//
// A console poll is what the page does for a large tenant: the counts (`?limit=1`) and the block it shows
// (`?limit=100`), revalidating with the ETag it last saw. The consoles start staggered over the first 30 s.
//
//   node tools/bench/mixed-load.bench.mjs [--tenants 10] [--pipelines 1000] [--rows 20000] [--large 10000]
//        [--consoles 20] [--duration 60] [--connections 50] [--no-build] [--database-url URL] [--json FILE]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { formatTable, runLoad } from '../perf/load-runner.mjs';
import {
  machineInfo,
  mintToken,
  PERF_SECRETS,
  runBundle,
  startStack,
} from '../perf/stack.mjs';
import { fmt, stats, table } from './lib.mjs';

const { values: args } = parseArgs({
  options: {
    tenants: { type: 'string', default: '10' },
    pipelines: { type: 'string', default: '1000' },
    rows: { type: 'string', default: '20000' },
    large: { type: 'string', default: '10000' },
    consoles: { type: 'string', default: '20' },
    duration: { type: 'string', default: '60' },
    connections: { type: 'string', default: '50' },
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
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const machine = await machineInfo();
const stack = await startStack({
  databaseUrl: args['database-url'],
  build: !args['no-build'],
  seed: {
    tenants: Number(args.tenants),
    pipelines: Number(args.pipelines),
    rows: Number(args.rows),
  },
  log,
});

try {
  const out = await runBundle(
    [
      'seed',
      'perf',
      '--prefix',
      'large',
      '--tenants',
      '1',
      '--pipelines',
      args.large,
      '--rows',
      '1000',
      '--no-runs',
    ],
    stack.env,
    { log },
  );
  const [large] = JSON.parse(
    out
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('['))
      .pop(),
  );
  const largeAuth = { authorization: `Bearer ${await mintToken(large.id)}` };
  const statusUrl = `${stack.baseUrl}/api/v1/scheduler-status`;
  const tickUrl = `${stack.baseUrl}/api/v1/cron/flow-scheduler-tick`;

  /** The in-process tick is off in the perf stack: an external caller ticks every minute, as Vercel cron would. */
  async function ticker(signal, ticks) {
    while (!signal.stopped) {
      const t0 = performance.now();
      const res = await fetch(tickUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${PERF_SECRETS.CRON_SECRET}` },
      });
      const body = await res.json();
      ticks.push({
        ms: performance.now() - t0,
        dispatched: body.dispatched ?? 0,
      });
      for (let waited = 0; waited < 60_000 && !signal.stopped; waited += 250)
        await sleep(250);
    }
  }

  async function console_(index, signal, times) {
    await sleep((index * 30_000) / Number(args.consoles));
    const etags = new Map();
    let first = true;
    while (!signal.stopped) {
      for (const query of first
        ? ['limit=500', 'limit=100']
        : ['limit=1', 'limit=100']) {
        const etag = etags.get(query);
        const t0 = performance.now();
        const res = await fetch(`${statusUrl}?${query}`, {
          headers: { ...largeAuth, ...(etag ? { 'if-none-match': etag } : {}) },
        });
        await res.arrayBuffer();
        times.push({ query, status: res.status, ms: performance.now() - t0 });
        if (res.headers.get('etag')) etags.set(query, res.headers.get('etag'));
      }
      first = false;
      for (let waited = 0; waited < 30_000 && !signal.stopped; waited += 250)
        await sleep(250);
    }
  }

  async function run(withConsoles) {
    const load = (await machineInfo()).loadavg;
    const signal = { stopped: false };
    const ticks = [];
    const consoleTimes = [];
    const background = [ticker(signal, ticks)];
    if (withConsoles)
      for (let i = 0; i < Number(args.consoles); i++)
        background.push(console_(i, signal, consoleTimes));
    const result = await runLoad({
      baseUrl: stack.baseUrl,
      tokens: stack.tokens,
      connections: Number(args.connections),
      duration: Number(args.duration),
      budget: 'target',
      log: () => undefined,
    });
    signal.stopped = true;
    await Promise.all(background);
    return { load, result, ticks, consoleTimes };
  }

  await runLoad({
    baseUrl: stack.baseUrl,
    tokens: stack.tokens,
    connections: Number(args.connections),
    duration: 5,
    budget: 'target',
    log: () => undefined,
  });
  log('mixed: run without consoles');
  const without = await run(false);
  log('mixed: run with consoles');
  const withC = await run(true);
  const after = await machineInfo();

  const lines = [];
  lines.push(
    `\nMixed load — ${machine.date}, ${machine.cpus} cpu(s) ${machine.cpuModel}, node ${machine.node}, PostgreSQL ${stack.serverVersion}`,
  );
  lines.push(
    `k6 endpoints: ${args.tenants} tenants × ${args.pipelines} pipelines, ${args.connections} connections, ${args.duration} s per run; large tenant ${args.large} pipelines; ${args.consoles} consoles every 30 s; tick every 60 s`,
  );
  lines.push(
    `load average: before ${machine.loadavg}; run without consoles started at ${without.load}; with consoles at ${withC.load}; after ${after.loadavg}\n`,
  );
  lines.push('without consoles:');
  lines.push(formatTable(without.result));
  lines.push('\nwith consoles:');
  lines.push(formatTable(withC.result));
  const rows = Object.keys(without.result.endpoints).map((name) => {
    const a = without.result.endpoints[name];
    const b = withC.result.endpoints[name];
    return [name, fmt(a.p95), fmt(b.p95), `${fmt(b.p95 / a.p95)}×`];
  });
  lines.push(
    '\n' +
      table(['endpoint', 'p95 without', 'p95 with consoles', 'ratio'], rows),
  );
  const polls = stats(withC.consoleTimes.map((t) => t.ms));
  lines.push(
    `\nconsole requests: n=${polls.n}, p50 ${fmt(polls.p50)} ms, p95 ${fmt(polls.p95)} ms, 304s ${withC.consoleTimes.filter((t) => t.status === 304).length}, non-2xx/304 ${withC.consoleTimes.filter((t) => t.status !== 200 && t.status !== 304).length}`,
  );
  for (const [label, r] of [
    ['without', without],
    ['with', withC],
  ])
    lines.push(
      `ticks (${label} consoles): ${r.ticks.map((t) => `${fmt(t.ms)} ms / ${t.dispatched} dispatched`).join('; ')}`,
    );
  console.log(lines.join('\n'));
  if (args.json)
    writeFileSync(
      args.json,
      JSON.stringify({ machine, after, without, with: withC }, null, 2),
    );
} finally {
  await stack.stop();
}
