#!/usr/bin/env node
// Response serialisation (issue 18): fast-json-stringify compiled from the route's schema — as Fastify does when a
// route declares `@Endpoint({ serialize: true })` — against `JSON.stringify`, in the same run, on the bodies of
// the pipelines list (a page of 100) and of the unpaged scheduler-status (1,000 rows with 5 next fires each). The
// schemas are the ones of the checked-in OpenAPI document (libs/contracts/openapi/openapi.json), refs inlined.
// Each serialiser runs in alternating rounds; the figure is the median round's µs per body. Both outputs are
// checked to parse to the same value first.
//
//   node tools/bench/serialize.bench.mjs [--rounds 15] [--iterations 200]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { isDeepStrictEqual } from 'node:util';

import { fmt, median, table } from './lib.mjs';

const require = createRequire(import.meta.url);
const fastJson = require('fast-json-stringify');

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '15' },
    iterations: { type: 'string', default: '200' },
  },
});
const rounds = Number(args.rounds);
const iterations = Number(args.iterations);

const document = JSON.parse(
  readFileSync(
    new URL('../../libs/contracts/openapi/openapi.json', import.meta.url),
    'utf8',
  ),
);
const components = document.components.schemas;

/** The schema with every `#/components/schemas/X` replaced by X itself (the document has no cycles). */
function inline(schema) {
  if (Array.isArray(schema)) return schema.map(inline);
  if (!schema || typeof schema !== 'object') return schema;
  if (typeof schema.$ref === 'string')
    return inline(components[schema.$ref.split('/').pop()]);
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      key === 'examples' || key === 'enum' ? value : inline(value),
    ]),
  );
}

const iso = (ms) => new Date(ms).toISOString();
const t0 = Date.parse('2026-12-01T09:00:00.000Z');
const uuid = (i) => `0b8f2d1e-5c4a-4e8b-9a61-${String(i).padStart(12, '0')}`;

const pipelinesPage = {
  items: Array.from({ length: 100 }, (_, i) => ({
    id: uuid(i),
    name: `pipeline-${String(i).padStart(4, '0')}-orders-hourly`,
    schedule: ['cron', 'interval', 'rrule', null][i % 4],
    paused: i % 7 === 0,
    lastRunAt: i % 5 === 0 ? null : iso(t0 - i * 60_000),
    lastRunStatus: i % 5 === 0 ? null : ['succeeded', 'failed'][i % 2],
    updatedAt: iso(t0 - i * 3_600_000),
  })),
  nextCursor: 'cGlwZWxpbmUtMDA5OQ',
};

const status = {
  generatedAt: iso(t0),
  lagThresholdMinutes: 5,
  lastTickAt: iso(t0),
  warnings: [],
  pipelines: Array.from({ length: 1000 }, (_, i) => ({
    id: uuid(i),
    name: `pipeline-${String(i).padStart(4, '0')}`,
    schedule: {
      type: 'cron',
      text: `${i % 60} * * * *`,
      timezone: 'Europe/Berlin',
      description: `every hour at minute ${i % 60} (Europe/Berlin)`,
    },
    paused: i % 9 === 0,
    lastRunAt: iso(t0 - 120_000),
    lastRunStatus: 'succeeded',
    expectedAt: iso(t0 - 180_000),
    lagMinutes: i % 9 === 0 ? null : (i % 13) / 2,
    lagLevel: i % 9 === 0 ? 'none' : i % 13 >= 10 ? 'amber' : 'green',
    nextFires: Array.from({ length: 5 }, (_, k) =>
      iso(t0 + (k + 1) * 3_600_000),
    ),
  })),
};

const cases = [
  {
    name: 'GET /pipelines (100 items)',
    schema: inline(components.PipelineListResponse),
    body: pipelinesPage,
  },
  {
    name: 'GET /scheduler-status (1,000 rows)',
    schema: inline(components.SchedulerStatusResponse),
    body: status,
  },
];

function timeRound(serialise, body) {
  const start = process.hrtime.bigint();
  let bytes = 0;
  for (let i = 0; i < iterations; i += 1) bytes += serialise(body).length;
  const ns = Number(process.hrtime.bigint() - start);
  if (bytes === 0) throw new Error('nothing serialised');
  return ns / iterations / 1000; // µs per body
}

const rows = [];
for (const { name, schema, body } of cases) {
  const compiled = fastJson(schema);
  const fast = compiled(body);
  if (!isDeepStrictEqual(JSON.parse(fast), JSON.parse(JSON.stringify(body))))
    throw new Error(`${name}: fast-json-stringify changed the body`);
  const plain = [];
  const schemaBased = [];
  for (let round = 0; round < rounds; round += 1) {
    plain.push(timeRound(JSON.stringify, body));
    schemaBased.push(timeRound(compiled, body));
  }
  const a = median(plain);
  const b = median(schemaBased);
  rows.push([
    name,
    `${fmt(JSON.stringify(body).length / 1024, 1)} KiB`,
    `${fmt(a, 1)} µs`,
    `${fmt(b, 1)} µs`,
    `${fmt(a / b, 2)}×`,
  ]);
}

console.log(
  `Response serialisation, median of ${rounds} alternating rounds × ${iterations} bodies (node ${process.version})`,
);
console.log(
  table(
    ['body', 'size', 'JSON.stringify', 'fast-json-stringify', 'speed-up'],
    rows,
  ),
);
