#!/usr/bin/env node
// Tick benchmarks (DESIGN §10), against the real api over HTTP (POST /api/v1/cron/flow-scheduler-tick):
//  (b) an idle tick over 100,000 pipelines (target ≤ 10 ms), beside GET /health/live (the HTTP stack, no database),
//      GET /health/ready (+ SELECT 1 through the pool) and the bare due query on a pg connection;
//  (a) one tick dispatching 10,000 due pipelines (target ≤ 0.5 s and ≤ 8× the floor), beside the floor: a bare
//      `INSERT … SELECT` of the same runs + `UPDATE` of the same pipelines' state rows (next and previous fire) in one
//      transaction — and, for scale, the same floor against the wide layout the schedule state lived in before
//      (`pipelines` rows with their IR and four indexes; a scratch copy, so the run compares both on the same rows).
// Both are measured `--reps` times, alternating, with the same rows reset in between; medians are compared.
//
//   node tools/bench/tick.bench.mjs [--tenants 10] [--pipelines 10000] [--due 10000] [--reps 5] [--idle 60]
//        [--no-build] [--database-url URL] [--json FILE]
//
// Dataset: `seed perf --tenants 10 --pipelines 10000 --rows 1000 --history 2 --no-runs` (100,000 pipelines over the
// shared schedule pool: 10% paused, 5% unscheduled). For (a), `--due` unpaused pipelines get next_fire_at = their
// schedule's latest real fire ≤ now (taken from the seeded history, whose runs are then deleted so nothing
// conflicts) and all other pipelines are paused: every chosen one is due with one fire to dispatch. The database is a
// throwaway (or a scratch database on --database-url's server), dropped at the end.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import {
  connect,
  machineInfo,
  PERF_SECRETS,
  startStack,
} from '../perf/stack.mjs';
import { fmt, median, sequential, stats, table, timed } from './lib.mjs';

const { values: args } = parseArgs({
  options: {
    tenants: { type: 'string', default: '10' },
    pipelines: { type: 'string', default: '10000' },
    due: { type: 'string', default: '10000' },
    reps: { type: 'string', default: '5' },
    idle: { type: 'string', default: '60' },
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
const DUE = Number(args.due);
const REPS = Number(args.reps);

const machine = await machineInfo();
const stack = await startStack({
  databaseUrl: args['database-url'],
  build: !args['no-build'],
  seed: {
    tenants: Number(args.tenants),
    pipelines: Number(args.pipelines),
    rows: 1000,
    history: 2,
    noRuns: true,
  },
  log,
});
const db = await connect(stack.databaseUrl);
const tickUrl = `${stack.baseUrl}/api/v1/cron/flow-scheduler-tick`;
const cron = { authorization: `Bearer ${PERF_SECRETS.CRON_SECRET}` };

async function tick() {
  const { ms, value } = await timed(async () => {
    const res = await fetch(tickUrl, { method: 'POST', headers: cron });
    const body = await res.json();
    if (res.status !== 200)
      throw new Error(`tick → ${res.status} ${JSON.stringify(body)}`);
    return body;
  });
  return { httpMs: ms, ...value };
}

try {
  const [{ total, scheduled }] = (
    await db.query(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE NOT p.paused AND s.next_fire_at IS NOT NULL)::int AS scheduled
         FROM pipelines p JOIN pipeline_state s ON s.pipeline_id = p.id`,
    )
  ).rows;
  log(`tick bench: ${total} pipelines, ${scheduled} scheduled and unpaused`);
  await db.query('VACUUM ANALYZE pipelines, pipeline_state, pipeline_runs');

  // ---------------------------------------------------------------------------------------------------------------
  // (b) idle tick over all pipelines
  // Start right after a minute boundary and a catching-up tick, so nothing falls due while measuring (the pool has
  // every-minute schedules); ticks that found something due anyway are reported and left out.
  const toBoundary = 60_000 - (Date.now() % 60_000) + 1_500;
  log(
    `tick bench: waiting ${Math.round(toBoundary / 1000)} s for the next minute boundary`,
  );
  await new Promise((r) => setTimeout(r, toBoundary));
  const first = await tick();
  log(
    `tick bench: catching-up tick: due ${first.due}, dispatched ${first.dispatched} in ${first.durationMs} ms`,
  );
  const idle = [];
  let busy = 0;
  const idleDeadline = Date.now() + 40_000;
  for (let i = 0; i < Number(args.idle) && Date.now() < idleDeadline; i++) {
    const t = await tick();
    if (t.due > 0) busy++;
    else idle.push(t);
  }
  const idleServer = stats(idle.map((t) => t.durationMs));
  const idleHttp = stats(idle.map((t) => t.httpMs));
  const live = await sequential(`${stack.baseUrl}/api/v1/health/live`, {
    count: 100,
  });
  const ready = await sequential(`${stack.baseUrl}/api/v1/health/ready`, {
    count: 100,
  });
  const dueQuery = [];
  for (let i = 0; i < 50; i++) {
    dueQuery.push(
      (
        await timed(() =>
          db.query(
            `SELECT pipeline_id FROM pipeline_state WHERE next_fire_at IS NOT NULL AND next_fire_at <= now() ORDER BY next_fire_at, pipeline_id LIMIT 5000`,
          ),
        )
      ).ms,
    );
  }
  const dueFloor = stats(dueQuery);

  // ---------------------------------------------------------------------------------------------------------------
  // (a) 10,000 due pipelines in one tick vs the bare INSERT … SELECT + UPDATE floor
  await db.query(`DROP TABLE IF EXISTS bench_due`);
  await db.query(
    `CREATE TABLE bench_due AS
     SELECT s.pipeline_id AS id, s.next_fire_at AS original_next, r.latest AS due_at
       FROM pipeline_state s
       JOIN pipelines p ON p.id = s.pipeline_id
       JOIN LATERAL (SELECT max(scheduled_for) AS latest FROM pipeline_runs WHERE pipeline_id = s.pipeline_id) r ON r.latest IS NOT NULL
      WHERE NOT p.paused AND s.next_fire_at IS NOT NULL
      ORDER BY s.pipeline_id
      LIMIT $1`,
    [DUE],
  );
  await db.query(`ALTER TABLE bench_due ADD PRIMARY KEY (id)`);
  const [{ chosen }] = (
    await db.query(`SELECT count(*)::int AS chosen FROM bench_due`)
  ).rows;
  if (chosen < DUE)
    log(`tick bench: only ${chosen} pipelines could be made due`);
  // Only the chosen pipelines stay unpaused, so "the same rows" are exactly those for the tick and the floor alike
  // (the rest would otherwise fall due at minute boundaries during the reps). Every rep starts from this state: the
  // chosen pipelines due at their latest real fire, no runs at all.
  await db.query(
    `UPDATE pipelines SET paused = true WHERE id NOT IN (SELECT id FROM bench_due) AND NOT paused`,
  );
  await db.query(
    `UPDATE pipeline_state SET next_fire_at = NULL, previous_fire_at = NULL WHERE pipeline_id NOT IN (SELECT id FROM bench_due)`,
  );
  // The wide layout of before (schedule state inside the pipelines rows, with their IR and indexes), for the
  // wide floor: same rows, same values.
  await db.query(`DROP TABLE IF EXISTS bench_wide_pipelines`);
  await db.query(
    `CREATE TABLE bench_wide_pipelines AS
     SELECT p.id, p.tenant_id, p.name, p.ir, p.schedule_kind, s.schedule_since, p.paused, s.next_fire_at, s.schedule_error,
            s.last_run_at, s.last_run_status, p.created_at, p.updated_at
       FROM pipelines p JOIN pipeline_state s ON s.pipeline_id = p.id`,
  );
  await db.query(`ALTER TABLE bench_wide_pipelines ADD PRIMARY KEY (id)`);
  await db.query(
    `CREATE UNIQUE INDEX bench_wide_tenant_name ON bench_wide_pipelines (tenant_id, name)`,
  );
  await db.query(
    `CREATE INDEX bench_wide_due ON bench_wide_pipelines (next_fire_at) WHERE NOT paused AND next_fire_at IS NOT NULL`,
  );
  await db.query(
    `CREATE INDEX bench_wide_scheduled ON bench_wide_pipelines (tenant_id) WHERE schedule_kind IS NOT NULL`,
  );
  const reset = async () => {
    await db.query(`DELETE FROM pipeline_runs`);
    await db.query(
      `UPDATE pipeline_state s SET next_fire_at = b.due_at, previous_fire_at = NULL FROM bench_due b WHERE b.id = s.pipeline_id`,
    );
    await db.query(
      `UPDATE bench_wide_pipelines w SET next_fire_at = b.due_at FROM bench_due b WHERE b.id = w.id`,
    );
    await db.query(
      'VACUUM ANALYZE pipelines, pipeline_state, pipeline_runs, bench_wide_pipelines',
    );
  };
  const floorRuns = [];
  const wideFloorRuns = [];
  const tickRuns = [];
  const bareFloor = (table, due, advance) =>
    timed(async () => {
      await db.query('BEGIN');
      const ins = await db.query(
        `INSERT INTO pipeline_runs (tenant_id, pipeline_id, trigger, scheduled_for)
         SELECT tenant_id, ${table.id}, 'schedule', next_fire_at FROM ${table.name} WHERE ${due}`,
      );
      const upd = await db.query(
        `UPDATE ${table.name} SET ${advance} WHERE ${due}`,
      );
      await db.query('COMMIT');
      return { inserted: ins.rowCount, updated: upd.rowCount };
    });
  for (let rep = 0; rep < REPS; rep++) {
    await reset();
    const floor = await bareFloor(
      { name: 'pipeline_state', id: 'pipeline_id' },
      'next_fire_at <= now()',
      `previous_fire_at = next_fire_at, next_fire_at = next_fire_at + interval '1 hour'`,
    );
    floorRuns.push({ ms: floor.ms, ...floor.value });
    await reset();
    const wide = await bareFloor(
      { name: 'bench_wide_pipelines', id: 'id' },
      'NOT paused AND next_fire_at <= now()',
      `next_fire_at = next_fire_at + interval '1 hour'`,
    );
    wideFloorRuns.push({ ms: wide.ms, ...wide.value });
    await reset();
    const t = await tick();
    tickRuns.push(t);
    log(
      `tick bench: rep ${rep + 1}: floor ${fmt(floor.ms)} ms (${floor.value.inserted} rows), wide floor ${fmt(wide.ms)} ms; tick ${fmt(t.httpMs)} ms over HTTP, ` +
        `${t.durationMs} ms in the tick (due ${t.due}, dispatched ${t.dispatched}, coalesced ${t.coalesced}, skipped ${t.skippedByPolicy}, failed ${t.failed})`,
    );
  }

  const floorMs = median(floorRuns.map((r) => r.ms));
  const wideFloorMs = median(wideFloorRuns.map((r) => r.ms));
  const tickHttpMs = median(tickRuns.map((r) => r.httpMs));
  const tickServerMs = median(tickRuns.map((r) => r.durationMs));
  const dispatched = median(tickRuns.map((r) => r.dispatched));
  const ratio = tickHttpMs / floorMs;
  const after = await machineInfo();

  const out = [];
  out.push(
    `\nTick benchmarks — ${machine.date}, ${machine.cpus} cpu(s) ${machine.cpuModel}, node ${machine.node}, PostgreSQL ${stack.serverVersion}`,
  );
  out.push(
    `load average before ${machine.loadavg}, after ${after.loadavg}; ${total} pipelines (${scheduled} scheduled, unpaused)\n`,
  );
  out.push('(b) idle tick');
  out.push(
    table(
      ['measure', 'n', 'p50 ms', 'p95 ms', 'target'],
      [
        [
          'idle tick, durationMs (in the tick)',
          idleServer.n,
          fmt(idleServer.p50),
          fmt(idleServer.p95),
          '≤ 10 ms',
        ],
        [
          'idle tick, over HTTP',
          idleHttp.n,
          fmt(idleHttp.p50),
          fmt(idleHttp.p95),
          '',
        ],
        [
          'baseline GET /health/live (HTTP only)',
          live.n,
          fmt(live.p50),
          fmt(live.p95),
          '',
        ],
        [
          'baseline GET /health/ready (+SELECT 1)',
          ready.n,
          fmt(ready.p50),
          fmt(ready.p95),
          '',
        ],
        [
          'baseline bare due query (pg client)',
          dueFloor.n,
          fmt(dueFloor.p50),
          fmt(dueFloor.p95),
          '',
        ],
      ],
    ),
  );
  out.push(
    `idle tick p50 over HTTP = ${fmt(idleHttp.p50 / ready.p50)}× GET /health/ready; ${busy} tick(s) found pipelines due and were left out\n`,
  );
  out.push(`(a) ${dispatched} due pipelines in one tick (median of ${REPS})`);
  out.push(
    table(
      ['measure', 'median ms', 'runs ms', 'target'],
      [
        [
          'floor: INSERT … SELECT + UPDATE pipeline_state (1 txn)',
          fmt(floorMs),
          floorRuns.map((r) => fmt(r.ms, 0)).join(' '),
          '',
        ],
        [
          'wide floor: the same against the old wide pipelines rows',
          fmt(wideFloorMs),
          wideFloorRuns.map((r) => fmt(r.ms, 0)).join(' '),
          '',
        ],
        [
          'tick over HTTP',
          fmt(tickHttpMs),
          tickRuns.map((r) => fmt(r.httpMs, 0)).join(' '),
          '≤ 500 ms',
        ],
        [
          'tick durationMs (in the tick)',
          fmt(tickServerMs),
          tickRuns.map((r) => String(r.durationMs)).join(' '),
          '',
        ],
      ],
    ),
  );
  out.push(
    `tick / floor = ${fmt(ratio)}× (target ≤ 8×); wide floor / floor = ${fmt(wideFloorMs / floorMs)}×; ` +
      `${tickHttpMs <= 500 && ratio <= 8 ? 'both targets met' : 'a target is MISSED'}`,
  );
  console.log(out.join('\n'));
  if (args.json) {
    writeFileSync(
      args.json,
      JSON.stringify(
        {
          machine,
          after,
          postgres: stack.serverVersion,
          total,
          scheduled,
          idle: {
            server: idleServer,
            http: idleHttp,
            live,
            ready,
            dueFloor,
            busy,
          },
          dispatch: {
            floorRuns,
            wideFloorRuns,
            tickRuns,
            floorMs,
            wideFloorMs,
            tickHttpMs,
            tickServerMs,
            ratio,
          },
        },
        null,
        2,
      ),
    );
  }
} finally {
  await db.end().catch(() => undefined);
  await stack.stop();
}
