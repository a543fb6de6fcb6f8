#!/usr/bin/env node
// What each per-request layer of the api costs under the k6 mix (DESIGN §17, "the HTTP path"): the api runs with
// V8's CPU profiler while the load runner drives the four k6 endpoints at 50 connections; the profile's self time is
// then attributed to layers by the code it ran in (request logging: pino/pino-http/nestjs-pino; Express-style
// middleware on Fastify: @fastify/middie; Nest's router, guards, interceptors and filters: @nestjs/*; JWT: jose;
// Fastify; node-postgres; TypeORM; our bundle; garbage collection; idle). The same run also measures a bare
// /health/live, so each layer's share can be read against the requests it served.
//
//   node tools/bench/http-layers.bench.mjs [--tenants 3] [--pipelines 300] [--rows 20000] [--duration 20]
//        [--connections 50] [--no-build] [--database-url URL] [--json FILE]
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { formatTable, runLoad } from '../perf/load-runner.mjs';
import { machineInfo, startStack } from '../perf/stack.mjs';
import { fmt, table } from './lib.mjs';

const { values: args } = parseArgs({
  options: {
    tenants: { type: 'string', default: '3' },
    pipelines: { type: 'string', default: '300' },
    rows: { type: 'string', default: '20000' },
    duration: { type: 'string', default: '20' },
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
const machine = await machineInfo();
const profileDir = mkdtempSync(join(tmpdir(), 'flow-http-layers-'));
const stack = await startStack({
  databaseUrl: args['database-url'],
  build: !args['no-build'],
  seed: {
    tenants: Number(args.tenants),
    pipelines: Number(args.pipelines),
    rows: Number(args.rows),
  },
  nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
  log,
});

/** Layer of a profile node, by the file its function lives in. Order matters: first match wins. */
const LAYERS = [
  [
    'request logging (pino, pino-http, nestjs-pino)',
    /node_modules\/(pino|pino-http|nestjs-pino|pino-std-serializers|fast-redact|sonic-boom|thread-stream|on-exit-leak-free)\//,
  ],
  [
    'Express-style middleware on Fastify (@fastify/middie, path-to-regexp)',
    /node_modules\/(@fastify\/middie|path-to-regexp)\//,
  ],
  [
    'Nest router, guards, interceptors, filters (@nestjs/*)',
    /node_modules\/@nestjs\//,
  ],
  ['JWT verification (jose)', /node_modules\/jose\//],
  [
    'Fastify (routing, reply, serialisation helpers)',
    /node_modules\/(fastify|@fastify|find-my-way|light-my-request|avvio|fast-json-stringify|fast-querystring|secure-json-parse)\//,
  ],
  [
    'node-postgres (pg, pg-protocol, pg-types)',
    /node_modules\/(pg|pg-protocol|pg-types|pg-pool|postgres-date|postgres-array)\//,
  ],
  ['TypeORM', /node_modules\/typeorm\//],
  ['prom-client (metrics)', /node_modules\/prom-client\//],
  ['other packages', /node_modules\//],
  ['the api bundle (our code)', /dist\/apps\/api\//],
  ['node internals (net, http, streams, timers)', /^node:|^internal\//],
];

let load;
let profile;
try {
  await runLoad({
    baseUrl: stack.baseUrl,
    tokens: stack.tokens,
    connections: Number(args.connections),
    duration: 3,
    budget: 'target',
    log: () => undefined,
  });
  load = await runLoad({
    baseUrl: stack.baseUrl,
    tokens: stack.tokens,
    connections: Number(args.connections),
    duration: Number(args.duration),
    budget: 'target',
    log: () => undefined,
  });
} finally {
  await stack.stop(); // SIGTERM: the api writes its profile on exit
}
const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error(`no CPU profile in ${profileDir}`);
profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8'));

// Self time per node: the sample intervals attributed to the node that was on top of the stack.
const selfUs = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i + 1] ?? 0;
  selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + dt);
}
const totals = new Map();
let all = 0;
for (const node of profile.nodes) {
  const us = selfUs.get(node.id) ?? 0;
  if (us === 0) continue;
  all += us;
  const { url, functionName } = node.callFrame;
  let layer;
  if (functionName === '(idle)') layer = 'idle';
  else if (functionName === '(garbage collector)') layer = 'garbage collection';
  else if (functionName === '(program)') layer = 'V8/native (program)';
  else if (!url) layer = `native: ${functionName || '(anonymous)'}`;
  else layer = (LAYERS.find(([, re]) => re.test(url)) ?? ['other code'])[0];
  if (
    layer.startsWith('native: ') &&
    !/stringify|parse|writev|write/.test(layer)
  )
    layer = 'native (other builtins)';
  totals.set(layer, (totals.get(layer) ?? 0) + us);
}
const busy = all - (totals.get('idle') ?? 0);
const requests = load.totals.requests;
const rows = [...totals.entries()]
  .sort((a, b) => b[1] - a[1])
  .map(([layer, us]) => [
    layer,
    fmt(us / 1000),
    `${((us / all) * 100).toFixed(1)}%`,
    layer === 'idle' ? '' : `${((us / busy) * 100).toFixed(1)}%`,
    layer === 'idle' ? '' : fmt(us / requests),
  ]);
const after = await machineInfo();
const out = [];
out.push(
  `\nHTTP layers — ${machine.date}, ${machine.cpus} cpu(s) ${machine.cpuModel}, node ${machine.node}; load average before ${machine.loadavg}, after ${after.loadavg}`,
);
out.push(
  `k6 mix, ${args.connections} connections, ${args.duration} s (after 3 s warm-up), ${args.tenants} × ${args.pipelines} pipelines; ${requests} requests in the profiled run\n`,
);
out.push(formatTable(load));
out.push('');
out.push(
  table(
    [
      'layer (self time in the api process)',
      'ms',
      'share of profile',
      'share of busy',
      'µs per request',
    ],
    rows,
  ),
);
console.log(out.join('\n'));
if (args.json)
  writeFileSync(
    args.json,
    JSON.stringify(
      { machine, after, load, layers: Object.fromEntries(totals) },
      null,
      2,
    ),
  );
