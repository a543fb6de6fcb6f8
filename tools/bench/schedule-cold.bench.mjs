#!/usr/bin/env node
// Cold start of the status page (DESIGN §17: a status page over 1,000 distinct rrules whose DTSTART is years back
// answers ≤ 1 s from a fresh process), against the built api over HTTP:
//  - one tenant with 1,000 pipelines, each a distinct rrule (MINUTELY to YEARLY, INTERVALs, BYxxx parts, DST-heavy
//    zones) with DTSTART in 2015-2024;
//  - the api is started fresh `--restarts` times; each time GET /health/ready (SELECT 1 through the same HTTP stack,
//    guard-less route and pool) warms the process, then the first GET /scheduler-status is the cold page (every rule
//    compiled and evaluated for the first time), then `--warm` more requests give the warm page;
//  - same-run baselines: /health/ready, and rrule.js 2.8 (what the engine used before) replaying the rules from
//    DTSTART in this process for the same answers (previous fire and next 5 fires) — every `--replay-every`th rule,
//    scaled to all of them (replaying all takes minutes).
//
//   node tools/bench/schedule-cold.bench.mjs [--pipelines 1000] [--restarts 3] [--warm 20] [--no-build]
//        [--database-url URL] [--json FILE]
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

import {
  BUNDLE,
  freePort,
  machineInfo,
  mintToken,
  ROOT,
  runBundle,
  startStack,
} from '../perf/stack.mjs';
import { fmt, median, table } from './lib.mjs';

const require = createRequire(import.meta.url);
const { RRule } = require('rrule');

const { values: args } = parseArgs({
  options: {
    pipelines: { type: 'string', default: '1000' },
    restarts: { type: 'string', default: '3' },
    warm: { type: 'string', default: '20' },
    'replay-every': { type: 'string', default: '20' },
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
const COUNT = Number(args.pipelines);
const ZONES = [
  'America/New_York',
  'Europe/Berlin',
  'Australia/Lord_Howe',
  'America/Santiago',
  'Pacific/Chatham',
  'Asia/Kolkata',
  'UTC',
];
const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

/** 1,000 distinct, valid rules: a deterministic spread over the shapes the status page meets. */
function rules(count) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const zone = ZONES[i % ZONES.length];
    const year = 2015 + (i % 10);
    const month = String(1 + (i % 12)).padStart(2, '0');
    const day = String(1 + (i % 28)).padStart(2, '0');
    const hour = String(i % 24).padStart(2, '0');
    // Minute and second from i: every DTSTART (and so every rule) is distinct.
    const minute = String(Math.floor(i / 60) % 60).padStart(2, '0');
    const second = String(i % 60).padStart(2, '0');
    const dtstart = `DTSTART;TZID=${zone}:${year}${month}${day}T${hour}${minute}${second}`;
    const shape = i % 20;
    let body;
    if (shape < 8)
      body = `FREQ=HOURLY;INTERVAL=${1 + (i % 5)};BYMINUTE=${(i * 7) % 60},${(i * 7 + 30) % 60}`;
    else if (shape < 10) body = `FREQ=MINUTELY;INTERVAL=${5 + (i % 11)}`;
    else if (shape < 14)
      body = `FREQ=DAILY;INTERVAL=${1 + (i % 3)};BYHOUR=${i % 24};BYMINUTE=${(i * 11) % 60}`;
    else if (shape < 17)
      body = `FREQ=WEEKLY;BYDAY=${DAYS[i % 7]},${DAYS[(i + 3) % 7]};BYHOUR=${i % 24};BYMINUTE=${(i * 13) % 60}`;
    else if (shape < 19)
      body = `FREQ=MONTHLY;BYDAY=${DAYS[i % 5]};BYSETPOS=${i % 2 ? -1 : 1};BYHOUR=${i % 24};BYMINUTE=${(i * 17) % 60}`;
    else
      body = `FREQ=YEARLY;BYMONTH=${1 + (i % 12)};BYMONTHDAY=-1;BYHOUR=${i % 24};BYMINUTE=${(i * 19) % 60}`;
    out.push(`${dtstart}\nRRULE:${body}`);
  }
  return [...new Set(out)];
}

/** rrule.js as the engine used it: DTSTART as a floating date, iterated from DTSTART for every answer. */
function rrulejsReplay(texts, now) {
  const started = performance.now();
  for (const text of texts) {
    const [dtstartLine, ruleLine] = text.split('\n');
    const wall = dtstartLine.split(':')[1];
    const dtstart = new Date(
      Date.UTC(
        Number(wall.slice(0, 4)),
        Number(wall.slice(4, 6)) - 1,
        Number(wall.slice(6, 8)),
        Number(wall.slice(9, 11)),
        Number(wall.slice(11, 13)),
      ),
    );
    const rule = new RRule(
      { ...RRule.parseString(ruleLine.slice('RRULE:'.length)), dtstart },
      true,
    );
    rule.before(now, true);
    const next = [];
    rule.all((date, index) => {
      if (date > now) next.push(date);
      return next.length < 5 && index < 10_000_000;
    });
  }
  return performance.now() - started;
}

/**
 * CPU milliseconds a process has used (Linux /proc, clock ticks of 10 ms): on this shared 2-core machine the wall
 * time of a request grows with the other tenants' load, its CPU time does not.
 */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .split(') ')[1]
      .split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

async function timed(url, headers) {
  const started = performance.now();
  const response = await fetch(url, { headers });
  const body = await response.text();
  if (response.status !== 200)
    throw new Error(`${url}: ${response.status} ${body.slice(0, 300)}`);
  return { ms: performance.now() - started, body };
}

function serve(env) {
  return new Promise(async (resolveServe, reject) => {
    const port = await freePort();
    const child = spawn(process.execPath, [BUNDLE, 'serve'], {
      cwd: ROOT,
      env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('exit', (code) =>
      reject(new Error(`api exited (${code}): ${stderr.slice(-2000)}`)),
    );
    const baseUrl = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const response = await fetch(`${baseUrl}/api/v1/health/live`, {
          signal: AbortSignal.timeout(1_000),
        });
        if (response.status === 200) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) return reject(new Error('api not live'));
      await new Promise((r) => setTimeout(r, 100));
    }
    resolveServe({
      baseUrl,
      pid: child.pid,
      stop: () =>
        new Promise((done) => {
          child.removeAllListeners('exit');
          child.once('exit', done);
          child.kill('SIGTERM');
        }),
    });
  });
}

const machine = await machineInfo();
const stack = await startStack({
  databaseUrl: args['database-url'],
  build: !args['no-build'],
  seed: false,
  serve: false,
  log,
});
try {
  const texts = rules(COUNT);
  await runBundle(['migrate'], stack.env, { log });
  const [tenant] = await stack.query(
    `INSERT INTO tenants (slug, name, timezone) VALUES ('cold', 'cold', 'UTC') RETURNING id`,
  );
  await stack.query('CREATE SCHEMA tenant_cold');
  await stack.query(
    `WITH p AS (
       INSERT INTO pipelines (tenant_id, name, ir, schedule_kind)
       SELECT $1, 'rule-' || lpad(i::text, 4, '0'),
              jsonb_build_object('version', 1, 'nodes', '[]'::jsonb,
                                 'schedule', jsonb_build_object('type', 'rrule', 'rrule', rule)),
              'rrule'
         FROM unnest($2::text[]) WITH ORDINALITY AS t(rule, i)
       RETURNING id, tenant_id
     )
     INSERT INTO pipeline_state (pipeline_id, tenant_id, schedule_since, next_fire_at)
     SELECT id, tenant_id, '2015-01-01T00:00:00Z', now() + interval '1 hour' FROM p`,
    [tenant.id, texts],
  );
  const headers = { authorization: `Bearer ${await mintToken(tenant.id)}` };
  log(
    `bench: ${texts.length} distinct rrules inserted; ${args.restarts} fresh api processes`,
  );

  const cold = [];
  const coldCpu = [];
  const warm = [];
  const ready = [];
  let errors = 0;
  for (let restart = 0; restart < Number(args.restarts); restart++) {
    const api = await serve(stack.env);
    try {
      await timed(`${api.baseUrl}/api/v1/health/ready`); // warms the HTTP stack and the pool, not the schedules
      const cpuBefore = cpuMs(api.pid);
      const first = await timed(
        `${api.baseUrl}/api/v1/scheduler-status`,
        headers,
      );
      coldCpu.push(cpuMs(api.pid) - cpuBefore);
      cold.push(first.ms);
      log(
        `bench: cold status page ${fmt(first.ms)} ms (process ${restart + 1})`,
      );
      const page = JSON.parse(first.body);
      errors = page.pipelines.filter((row) => row.error).length;
      if (page.pipelines.length !== texts.length)
        throw new Error(`status listed ${page.pipelines.length} pipelines`);
      for (let i = 0; i < Number(args.warm); i++) {
        warm.push(
          (await timed(`${api.baseUrl}/api/v1/scheduler-status`, headers)).ms,
        );
        ready.push((await timed(`${api.baseUrl}/api/v1/health/ready`)).ms);
      }
    } finally {
      await api.stop();
    }
  }
  const every = Number(args['replay-every']);
  const sample = texts.filter((_, index) => index % every === 0);
  log(`bench: rrule.js replaying ${sample.length} of the rules from DTSTART…`);
  const replayMs =
    (rrulejsReplay(sample, new Date()) * texts.length) / sample.length;

  const rows = [
    [
      'cold status page (first request, fresh process)',
      fmt(median(cold)),
      cold.map(fmt).join(' / '),
    ],
    [
      "cold status page: the api process's CPU time",
      fmt(median(coldCpu)),
      coldCpu.map(fmt).join(' / '),
    ],
    ['warm status page (p50)', fmt(median(warm)), ''],
    ['baseline: GET /health/ready (p50)', fmt(median(ready)), ''],
    [
      'baseline: rrule.js replaying the same rules from DTSTART',
      fmt(replayMs),
      `${sample.length} rules measured, × ${(texts.length / sample.length).toFixed(0)}`,
    ],
  ];
  process.stdout.write(
    `\nStatus page over ${texts.length} distinct rrules, DTSTART 2015-2024 (${machine.cpus} × ${machine.cpuModel}, ${machine.node}, load average ${machine.loadavg})\n`,
  );
  process.stdout.write(table(['', 'ms', 'samples'], rows));
  process.stdout.write(
    `\ncold / warm: ${(median(cold) / median(warm)).toFixed(1)}×; rrule.js replay / cold page: ${(replayMs / median(cold)).toFixed(1)}×; rows with an error: ${errors}; target cold ≤ 1000 ms: ${median(cold) <= 1000 ? 'met' : 'NOT met'} (wall), ${median(coldCpu) <= 1000 ? 'met' : 'NOT met'} (CPU)\n`,
  );
  if (args.json)
    writeFileSync(
      args.json,
      JSON.stringify(
        {
          machine,
          pipelines: texts.length,
          cold,
          warm,
          ready,
          replayMs,
          errors,
        },
        null,
        1,
      ),
    );
} finally {
  await stack.stop();
}
