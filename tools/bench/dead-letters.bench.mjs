#!/usr/bin/env node
// Dead letters (DESIGN §14, §17), measured on runs executed by the real worker (the api bundle with its worker on),
// each figure the run's own duration (`finished_at − started_at`: claim to commit, compile and catalog included):
//  (a) write isolation: a run over N rows of which `--bad` are rejected by the target (NOT NULL), which writes the
//      good rows and dead-letters the bad ones, against the same run over the same N rows with none rejected —
//      the all-or-nothing path every run took before (one INSERT … SELECT; it now pays one savepoint);
//  (b) replay: a replay of `--letters` open letters (every row of the source, fixed since it was rejected) against a
//      plain manual run of the same pipeline over the same rows (target ≤ 2×).
// Each pair is measured `--reps` times, alternating, from the same state (targets truncated, letters reopened);
// medians are compared.
//
//   node tools/bench/dead-letters.bench.mjs [--rows 10000] [--bad 37] [--letters 10000] [--reps 5] [--no-build]
//        [--database-url URL] [--json FILE]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { connect, machineInfo, startStack } from '../perf/stack.mjs';
import { fmt, median, table } from './lib.mjs';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000' },
    bad: { type: 'string', default: '37' },
    letters: { type: 'string', default: '10000' },
    reps: { type: 'string', default: '5' },
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
const ROWS = Number(args.rows);
const BAD = Number(args.bad);
const LETTERS = Number(args.letters);
const REPS = Number(args.reps);

const machine = await machineInfo();
const stack = await startStack({
  databaseUrl: args['database-url'],
  build: !args['no-build'],
  seed: { tenants: 1, pipelines: 1, rows: 10, noRuns: true },
  apiEnv: { WORKER_ENABLED: 'true', WORKER_CONCURRENCY: '1' },
  log,
});
const db = await connect(stack.databaseUrl);
const [tenant] = stack.tenants;
const schema = `tenant_${tenant.slug.replace(/-/g, '_')}`;
const headers = {
  authorization: `Bearer ${stack.tokens[0]}`,
  'content-type': 'application/json',
};

async function api(method, path, body) {
  const res = await fetch(`${stack.baseUrl}/api/v1${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (res.status >= 300)
    throw new Error(
      `${method} ${path} → ${res.status} ${JSON.stringify(json)}`,
    );
  return json;
}

async function createPipeline(name, nodes) {
  return (
    await api('POST', '/pipelines', {
      name,
      paused: true,
      ir: { version: 1, nodes },
    })
  ).id;
}

/** Queues a run (or a replay), waits for the worker to finish it, returns its row with the duration in ms. */
async function run(pipelineId, body) {
  const queued = await api('POST', `/pipelines/${pipelineId}/runs`, body);
  for (;;) {
    const {
      rows: [row],
    } = await db.query(
      `SELECT status, error, rows_read::int, rows_written::int, rows_rejected::int,
              (node_metrics -> 'out' ->> 'durationMs')::float8 AS statement_ms,
              (extract(epoch FROM finished_at - started_at) * 1000)::float8 AS ms
         FROM pipeline_runs WHERE id = $1`,
      [queued.id],
    );
    if (row.status === 'succeeded') return row;
    if (row.status === 'failed' || (row.status === 'queued' && row.error))
      throw new Error(`run ${queued.id}: ${row.status}: ${row.error}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const source = (id, table) => ({
  id,
  type: 'source',
  table,
  columns: ['id', 'amount', 'code', 'customer'],
  key: ['id'],
});
const checked = {
  id: 'checked',
  type: 'validate',
  input: 'src',
  rules: [{ column: 'amount', check: 'range', min: 0 }],
  onFail: 'dlq',
};
const target = (table) => ({
  id: 'out',
  type: 'target',
  input: 'checked',
  table,
  mode: 'append',
});

try {
  // (a) N rows; in `iso_src` BAD of them have no customer (the target says NOT NULL).
  for (const [table, bad] of [
    ['all_good_src', 0],
    ['iso_src', BAD],
  ]) {
    await db.query(
      `CREATE TABLE ${schema}.${table} (id integer PRIMARY KEY, amount numeric, code text, customer text)`,
    );
    await db.query(
      `INSERT INTO ${schema}.${table}
         SELECT g, g, 'c' || g, CASE WHEN g % $2 = 0 AND g / $2 <= $3 THEN NULL ELSE 'cust' || g END
           FROM generate_series(1, $1) AS g`,
      [ROWS, Math.max(1, Math.floor(ROWS / Math.max(BAD, 1))), bad],
    );
    await db.query(
      `CREATE TABLE ${schema}.${table}_out (id integer, amount numeric, code text, customer text NOT NULL)`,
    );
  }
  const allGood = await createPipeline('all-good', [
    source('src', 'all_good_src'),
    checked,
    target('all_good_src_out'),
  ]);
  const isolated = await createPipeline('isolated', [
    source('src', 'iso_src'),
    checked,
    target('iso_src_out'),
  ]);

  // (b) LETTERS rows, all rejected once by the validate rule (amount < 0), then fixed in the source.
  await db.query(
    `CREATE TABLE ${schema}.replay_src (id integer PRIMARY KEY, amount numeric, code text, customer text)`,
  );
  await db.query(
    `INSERT INTO ${schema}.replay_src SELECT g, -g, 'c' || g, 'cust' || g FROM generate_series(1, $1) AS g`,
    [LETTERS],
  );
  await db.query(
    `CREATE TABLE ${schema}.replay_out (id integer, amount numeric, code text, customer text NOT NULL)`,
  );
  const replayed = await createPipeline('replayed', [
    source('src', 'replay_src'),
    checked,
    target('replay_out'),
  ]);
  const first = await run(replayed);
  if (first.rows_rejected !== LETTERS)
    throw new Error(`expected ${LETTERS} letters, got ${first.rows_rejected}`);
  await db.query(`UPDATE ${schema}.replay_src SET amount = -amount`);
  log(`dead-letters: ${LETTERS} letters written in ${fmt(first.ms)} ms`);

  const samples = { plain: [], isolated: [], replayPlain: [], replay: [] };
  // The target statement's own duration (the worker's node metrics): the rest of a run is claim, compile, the
  // replay's pick and settle of the letters, and commit.
  const statementMs = { replayPlain: [], replay: [] };
  for (let rep = 0; rep < REPS; rep++) {
    await db.query(
      `TRUNCATE ${schema}.all_good_src_out, ${schema}.iso_src_out, ${schema}.replay_out`,
    );
    await db.query(`DELETE FROM dead_letters WHERE pipeline_id = $1`, [
      isolated,
    ]);
    const plain = await run(allGood);
    const iso = await run(isolated);
    if (
      plain.rows_written !== ROWS ||
      iso.rows_written !== ROWS - BAD ||
      iso.rows_rejected !== BAD
    )
      throw new Error(`unexpected counts: ${JSON.stringify({ plain, iso })}`);
    samples.plain.push(plain.ms);
    samples.isolated.push(iso.ms);

    // Same state for both: the target empty, every letter open.
    await db.query(
      `UPDATE dead_letters SET status = 'open', replayed_by_run_id = NULL, attempts = 0 WHERE pipeline_id = $1`,
      [replayed],
    );
    await db.query(`VACUUM ANALYZE dead_letters`);
    const order =
      rep % 2 === 0 ? ['replayPlain', 'replay'] : ['replay', 'replayPlain'];
    for (const kind of order) {
      await db.query(`TRUNCATE ${schema}.replay_out`);
      const result =
        kind === 'replay'
          ? await run(replayed, { replayDlqOnly: true })
          : await run(replayed);
      if (result.rows_written !== LETTERS)
        throw new Error(`${kind} wrote ${result.rows_written}`);
      samples[kind].push(result.ms);
      statementMs[kind].push(result.statement_ms);
    }
    const [{ replayedLetters }] = (
      await db.query(
        `SELECT count(*)::int AS "replayedLetters" FROM dead_letters WHERE pipeline_id = $1 AND status = 'replayed'`,
        [replayed],
      )
    ).rows;
    if (replayedLetters !== LETTERS)
      throw new Error(`${replayedLetters} letters replayed`);
    log(
      `rep ${rep + 1}/${REPS}: plain ${fmt(plain.ms)} ms, isolated ${fmt(iso.ms)} ms, replay ${fmt(samples.replay.at(-1))} ms (its statement ${fmt(statementMs.replay.at(-1))} ms) vs plain ${fmt(samples.replayPlain.at(-1))} ms (${fmt(statementMs.replayPlain.at(-1))} ms)`,
    );
  }

  const m = Object.fromEntries(
    Object.entries(samples).map(([k, v]) => [k, median(v)]),
  );
  const report = {
    machine,
    rows: ROWS,
    bad: BAD,
    letters: LETTERS,
    reps: REPS,
    medianMs: m,
    samplesMs: samples,
    statementMs,
    isolationRatio: m.isolated / m.plain,
    replayRatio: m.replay / m.replayPlain,
  };
  process.stdout.write(
    table(
      [
        'measure',
        'median ms',
        'baseline (same run)',
        'baseline ms',
        'ratio',
        'target',
      ],
      [
        [
          `run over ${ROWS} rows, ${BAD} rejected by the target (isolated)`,
          fmt(m.isolated),
          `run over ${ROWS} rows, none rejected (all-or-nothing path)`,
          fmt(m.plain),
          `${fmt(report.isolationRatio)}×`,
          'measured',
        ],
        [
          `replay of ${LETTERS} open letters`,
          fmt(m.replay),
          `plain run over the same ${LETTERS} rows`,
          fmt(m.replayPlain),
          `${fmt(report.replayRatio)}×`,
          '≤ 2×',
        ],
      ],
    ),
  );
  if (args.json) writeFileSync(args.json, JSON.stringify(report, null, 2));
} finally {
  await db.end();
  await stack.stop();
}
