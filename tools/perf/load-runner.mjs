#!/usr/bin/env node
// Flow load runner — the CI stand-in for k6/flow/baseline.js, built on autocannon.
//
// It reads the same budgets (k6/flow/budgets.json), discovers pipeline ids per token through the
// list endpoint (like the k6 script's setup()), then drives the four endpoints the way a k6 VU
// iteration does: every connection loops list → ir → sql_preview → lineage, each iteration for
// the next tenant (round-robin over the tokens) and each per-pipeline request for a random
// pipeline of that tenant. With N connections all four endpoints are in flight concurrently.
// Latency is recorded per endpoint from autocannon's per-response timing; p50/p95/p99 come from
// those samples, the failure rate is (non-2xx + transport errors/timeouts) / all requests.
//
//   node tools/perf/load-runner.mjs --base-url http://localhost:3000 --tokens "$TOKENS" \
//        [--tokens-file FILE] \
//        [--budget seed|target] [--connections 50] [--duration 20] [--pages 5] \
//        [--timeout 10] [--budgets k6/flow/budgets.json] [--out result.json] [--json]
//
// Exit code: 0 all budgets hold, 1 a budget is broken, 2 bad usage / setup failed.
// Programmatic use:  import { runLoad } from './tools/perf/load-runner.mjs'
//                    const result = await runLoad({ baseUrl, tokens: [...], budget: 'target' })
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');

const HERE = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_BUDGETS_FILE = resolve(HERE, '../../k6/flow/budgets.json');

// ---------------------------------------------------------------------------------------------
// budgets

/** Load budgets.json and select one budget by name (default: the file's defaultBudget). */
export function loadBudget(file = DEFAULT_BUDGETS_FILE, name) {
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  const budgetName = name || doc.defaultBudget;
  const budget = doc.budgets?.[budgetName];
  if (!budget) {
    throw new UsageError(
      `budget '${budgetName}' is not in ${file} (have: ${Object.keys(doc.budgets || {}).join(', ')})`,
    );
  }
  if (!doc.endpoints || typeof doc.endpoints !== 'object') {
    throw new UsageError(`${file} has no 'endpoints' map`);
  }
  return { name: budgetName, budget, endpoints: doc.endpoints, file };
}

/** Compare like a k6 threshold expression: `value op limit`. */
export function compare(value, op, limit) {
  switch (op) {
    case '<':
      return value < limit;
    case '<=':
      return value <= limit;
    case '>':
      return value > limit;
    case '>=':
      return value >= limit;
    case '==':
    case '===':
      return value === limit;
    case '!=':
      return value !== limit;
    default:
      throw new UsageError(`unknown comparison operator '${op}' in budgets`);
  }
}

/** Percentile of an ascending-sorted array, linear interpolation between closest ranks (as k6). */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  if (sorted.length === 1) return sorted[0];
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

/** "p(95)" → 95 */
function statToPercent(stat) {
  const m = /^p\((\d+(?:\.\d+)?)\)$/.exec(stat || '');
  if (!m)
    throw new UsageError(
      `unsupported latency stat '${stat}' (only p(N) is supported)`,
    );
  return Number(m[1]);
}

export class UsageError extends Error {}

// ---------------------------------------------------------------------------------------------
// discovery (the k6 script's setup())

/** Page through GET /api/v1/pipelines?limit=100 for each token; returns one id array per token. */
export async function discoverPipelineIds({
  baseUrl,
  tokens,
  pages = 5,
  timeoutMs = 10_000,
}) {
  const result = [];
  for (let t = 0; t < tokens.length; t++) {
    const ids = [];
    let cursor = null;
    for (let page = 0; page < pages; page++) {
      const url = `${baseUrl}/api/v1/pipelines?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      // up to 3 attempts: a transient 5xx or connection error must not abort the whole run
      let res;
      let text = '';
      for (let attempt = 1; ; attempt++) {
        try {
          res = await fetch(url, {
            headers: {
              authorization: `Bearer ${tokens[t]}`,
              accept: 'application/json',
            },
            signal: AbortSignal.timeout(timeoutMs),
          });
          text = await res.text();
          if (res.status < 500 || attempt >= 3) break;
        } catch (err) {
          if (attempt >= 3)
            throw new UsageError(
              `discovery: GET ${url} failed: ${err.cause?.message || err.message}`,
            );
        }
        await new Promise((r) => setTimeout(r, 250 * attempt));
      }
      if (res.status !== 200) {
        throw new UsageError(
          `discovery: token #${t + 1}: GET ${url} → ${res.status} ${text.slice(0, 200)}`,
        );
      }
      const body = JSON.parse(text);
      for (const item of body.items || []) ids.push(item.id);
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    if (ids.length === 0) {
      throw new UsageError(
        `discovery: token #${t + 1} sees no pipelines — seed first (npm run flow -- seed perf …)`,
      );
    }
    result.push(ids);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// the run

/**
 * Run the load and evaluate the budget. Never exits the process; returns the result object
 * (result.pass tells whether every budget held).
 *
 * @param {object} options
 * @param {string} options.baseUrl       api origin, e.g. http://localhost:3000
 * @param {string[]|string} options.tokens tenant JWTs (array or comma-separated)
 * @param {string} [options.budget]      budget name in budgets.json (default: its defaultBudget)
 * @param {string} [options.budgetsFile] path to budgets.json (default: k6/flow/budgets.json)
 * @param {number} [options.connections=50]
 * @param {number} [options.duration=20] seconds
 * @param {number} [options.pages=5]     list pages (limit=100) per token for id discovery
 * @param {number} [options.timeout=10]  per-request timeout, seconds
 * @param {string[][]} [options.pipelineIds] skip discovery: one id array per token
 * @param {(line: string) => void} [options.log] progress logger (default: stderr)
 */
export async function runLoad(options) {
  const log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  const baseUrl = String(options.baseUrl || '').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(baseUrl))
    throw new UsageError(`--base-url must be an http(s) URL, got '${baseUrl}'`);
  const tokens = (
    Array.isArray(options.tokens)
      ? options.tokens
      : String(options.tokens || '').split(/[\s,]+/)
  )
    .map((t) => t.trim())
    .filter(Boolean);
  if (tokens.length === 0)
    throw new UsageError(
      'no tokens: pass --tokens <jwt1>,<jwt2>,… (npm run flow -- token --tenant perf-01)',
    );
  const connections = toPositiveInt(options.connections ?? 50, 'connections');
  const duration = toPositiveNumber(options.duration ?? 20, 'duration');
  const pages = toPositiveInt(options.pages ?? 5, 'pages');
  const timeout = toPositiveNumber(options.timeout ?? 10, 'timeout');

  const {
    name: budgetName,
    budget,
    endpoints,
    file: budgetsFile,
  } = loadBudget(options.budgetsFile || DEFAULT_BUDGETS_FILE, options.budget);
  const endpointNames = Object.keys(endpoints);
  const pct = statToPercent(budget.latency.stat);

  const idsByToken =
    options.pipelineIds ??
    (await discoverPipelineIds({
      baseUrl,
      tokens,
      pages,
      timeoutMs: timeout * 1000,
    }));
  log(
    `load-runner: budget=${budgetName} base=${baseUrl} connections=${connections} duration=${duration}s ` +
      `tokens=${tokens.length} ids/token=${idsByToken.map((a) => a.length).join(',')}`,
  );

  // Per-endpoint sample store. `pending` is set by the request's onResponse callback, which
  // autocannon calls synchronously right before it emits 'response' for the same response.
  const samples = Object.fromEntries(
    endpointNames.map((e) => [e, { latencies: [], statuses: {}, non2xx: 0 }]),
  );
  let pending = null;
  let nextTenant = 0;

  const requests = endpointNames.map((endpoint, index) => {
    const ep = endpoints[endpoint];
    return {
      method: ep.method || 'GET',
      path: ep.path.replace('{id}', 'x'),
      setupRequest(req, context) {
        // first request of an iteration picks the tenant (round-robin); the rest reuse it
        if (index === 0 || context.tenant === undefined)
          context.tenant = nextTenant++ % tokens.length;
        const t = context.tenant;
        const ids = idsByToken[t];
        const path = ep.perPipeline
          ? ep.path.replace(
              '{id}',
              encodeURIComponent(ids[Math.floor(Math.random() * ids.length)]),
            )
          : ep.path;
        return {
          ...req,
          path,
          headers: {
            ...req.headers,
            authorization: `Bearer ${tokens[t]}`,
            accept: 'application/json',
          },
        };
      },
      onResponse(status) {
        pending = endpoint;
        const s = samples[endpoint];
        s.statuses[status] = (s.statuses[status] || 0) + 1;
        if (status < 200 || status > 299) s.non2xx++;
      },
    };
  });

  const url = new URL(baseUrl);
  const basePath = url.pathname.replace(/\/+$/, '');
  if (basePath) {
    // api mounted under a prefix: prepend it to every request path
    for (const r of requests) {
      const inner = r.setupRequest;
      r.setupRequest = (req, ctx) => {
        const out = inner(req, ctx);
        return { ...out, path: basePath + out.path };
      };
    }
  }

  const errorsByMessage = {};
  const startedAt = new Date();
  const instance = autocannon({
    url: url.origin,
    connections,
    duration,
    timeout,
    requests,
  });
  instance.on('response', (_client, _status, _bytes, responseTime) => {
    if (pending !== null) samples[pending].latencies.push(responseTime);
    pending = null;
  });
  instance.on('reqError', (err) => {
    const key = err?.code || err?.message || String(err);
    errorsByMessage[key] = (errorsByMessage[key] || 0) + 1;
  });
  const stopOnSignal = () => instance.stop();
  process.once('SIGINT', stopOnSignal);
  let ac;
  try {
    ac = await instance;
  } finally {
    process.off('SIGINT', stopOnSignal);
  }

  // ---- evaluate ---------------------------------------------------------------------------
  const elapsedSec =
    (ac.duration || duration) > 0 ? ac.duration || duration : duration;
  const endpointResults = {};
  let responses = 0;
  let non2xx = 0;
  let pass = true;
  for (const endpoint of endpointNames) {
    const s = samples[endpoint];
    const sorted = Float64Array.from(s.latencies).sort();
    const n = s.latencies.length;
    responses += n;
    non2xx += s.non2xx;
    const limit = budget.latency.ms[endpoint];
    const value = percentile(sorted, pct);
    const ok =
      limit === undefined
        ? true
        : n > 0 && compare(value, budget.latency.op, limit);
    if (!ok) pass = false;
    endpointResults[endpoint] = {
      requests: n,
      non2xx: s.non2xx,
      statuses: s.statuses,
      reqPerSec: round(n / elapsedSec, 1),
      p50: round(percentile(sorted, 50)),
      p95: round(percentile(sorted, 95)),
      p99: round(percentile(sorted, 99)),
      max: round(n ? sorted[n - 1] : NaN),
      mean: round(n ? s.latencies.reduce((a, b) => a + b, 0) / n : NaN),
      budget:
        limit === undefined
          ? null
          : {
              stat: budget.latency.stat,
              op: budget.latency.op,
              ms: limit,
              value: round(value),
            },
      pass: ok,
    };
  }
  const errors = ac.errors || 0; // connection errors + timeouts (autocannon counts timeouts as errors)
  const total = responses + errors;
  const failureRate = total === 0 ? 1 : (non2xx + errors) / total;
  const failureOk =
    total > 0 &&
    compare(failureRate, budget.failureRate.op, budget.failureRate.max);
  if (!failureOk) pass = false;

  return {
    tool: 'tools/perf/load-runner.mjs',
    autocannon: require('autocannon/package.json').version,
    startedAt: startedAt.toISOString(),
    baseUrl,
    budget: budgetName,
    budgetsFile,
    connections,
    durationSec: round(elapsedSec, 2),
    tokens: tokens.length,
    pipelineIdsPerToken: idsByToken.map((a) => a.length),
    totals: {
      requests: total,
      responses,
      non2xx,
      errors,
      timeouts: ac.timeouts || 0,
      errorsByMessage,
      failureRate,
      reqPerSec: round(total / elapsedSec, 1),
    },
    failureBudget: {
      op: budget.failureRate.op,
      max: budget.failureRate.max,
      value: failureRate,
      pass: failureOk,
    },
    endpoints: endpointResults,
    pass,
  };
}

// ---------------------------------------------------------------------------------------------
// report

export function formatTable(result) {
  const head = [
    'endpoint',
    'requests',
    'non-2xx',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'budget',
    'result',
  ];
  const rows = Object.entries(result.endpoints).map(([name, r]) => [
    name,
    String(r.requests),
    String(r.non2xx),
    fmt(r.p50),
    fmt(r.p95),
    fmt(r.p99),
    r.budget ? `${r.budget.stat} ${r.budget.op} ${r.budget.ms}` : '-',
    r.pass ? 'pass' : 'FAIL',
  ]);
  const fb = result.failureBudget;
  rows.push([
    'failed',
    String(result.totals.requests),
    `${result.totals.non2xx + result.totals.errors}`,
    '',
    '',
    '',
    `rate ${fb.op} ${fb.max}`,
    `${(fb.value * 100).toFixed(2)}% ${fb.pass ? 'pass' : 'FAIL'}`,
  ]);
  const widths = head.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => r[i].length)),
  );
  const line = (cells) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ');
  const out = [
    line(head),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    '',
    `total ${result.totals.requests} requests in ${result.durationSec}s = ${result.totals.reqPerSec} req/s ` +
      `(${result.connections} connections, budget '${result.budget}')` +
      (result.totals.errors
        ? `; transport errors: ${JSON.stringify(result.totals.errorsByMessage)}`
        : ''),
    result.pass ? 'PASS: every budget holds' : 'FAIL: a budget is broken',
  ];
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// CLI

const HELP = `Usage: node tools/perf/load-runner.mjs --base-url URL --tokens JWT1,JWT2,... [options]

  --base-url URL       api origin (env BASE_URL; default http://localhost:3000)
  --tokens LIST        comma-separated tenant JWTs (env TOKENS)
  --tokens-file FILE   file with the JWTs, comma- or newline-separated (env TOKENS_FILE)
  --budget NAME        budget in budgets.json: seed | target (env BUDGET; default the file's defaultBudget)
  --budgets FILE       budgets file (default k6/flow/budgets.json)
  --connections N      concurrent connections (default 50)
  --duration S         seconds of load (default 20)
  --pages N            list pages (limit=100) per token for id discovery (default 5)
  --timeout S          per-request timeout in seconds (default 10)
  --out FILE           also write the result as JSON
  --json               print the JSON result on stdout instead of the table
  -h, --help           this text

Exit code: 0 all budgets hold, 1 a budget is broken, 2 usage or setup error.`;

async function main(argv) {
  let args;
  try {
    ({ values: args } = parseArgs({
      args: argv,
      options: {
        'base-url': { type: 'string' },
        tokens: { type: 'string' },
        'tokens-file': { type: 'string' },
        budget: { type: 'string' },
        budgets: { type: 'string' },
        connections: { type: 'string' },
        duration: { type: 'string' },
        pages: { type: 'string' },
        timeout: { type: 'string' },
        out: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`${err.message}\n\n${HELP}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  try {
    const result = await runLoad({
      baseUrl:
        args['base-url'] || process.env.BASE_URL || 'http://localhost:3000',
      tokens:
        args.tokens ??
        (args['tokens-file']
          ? readFileSync(args['tokens-file'], 'utf8')
          : undefined) ??
        process.env.TOKENS ??
        (process.env.TOKENS_FILE
          ? readFileSync(process.env.TOKENS_FILE, 'utf8')
          : ''),
      budget: args.budget || process.env.BUDGET,
      budgetsFile: args.budgets,
      connections: args.connections,
      duration: args.duration,
      pages: args.pages,
      timeout: args.timeout,
    });
    if (args.out) {
      mkdirSync(dirname(resolve(args.out)), { recursive: true });
      writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
    }
    process.stdout.write(
      args.json
        ? `${JSON.stringify(result, null, 2)}\n`
        : `${formatTable(result)}\n`,
    );
    return result.pass ? 0 : 1;
  } catch (err) {
    process.stderr.write(
      `load-runner: ${err instanceof UsageError ? err.message : err.stack || err}\n`,
    );
    return 2;
  }
}

function toPositiveInt(v, name) {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`--${name} must be a positive integer, got '${v}'`);
  return n;
}
function toPositiveNumber(v, name) {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`--${name} must be a positive number, got '${v}'`);
  return n;
}
function round(v, digits = 2) {
  if (!Number.isFinite(v)) return null;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
function fmt(v) {
  return v === null || v === undefined ? '-' : v.toFixed(2);
}

if (
  process.argv[1] &&
  import.meta.url === pathToFileURL(resolve(process.argv[1])).href
) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
