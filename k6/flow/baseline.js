// Flow API baseline — k6 v1 script (DESIGN §10).
//
//   k6 run -e BASE_URL=http://localhost:3000 -e TOKENS=<jwt1>,<jwt2>,... k6/flow/baseline.js
//
// Environment (all via -e NAME=value or the process environment):
//   BASE_URL   api origin, default http://localhost:3000
//   TOKENS     comma-separated tenant JWTs (one per tenant); VU n uses TOKENS[(n-1) % len]
//   TOKENS_FILE  alternative to TOKENS: a file with the JWTs (comma- or newline-separated)
//   VUS        constant virtual users, default 50
//   DURATION   test length, default 60s
//   BUDGET     which entry of budgets.json to enforce ('seed' = default, 'target' = 10x stricter)
//   PAGES      list pages (limit=100) fetched per token in setup() to discover pipeline ids, default 5
//   SLEEP      think time in seconds between iterations, default 0 (closed model, back-to-back)
//
// The thresholds are generated from ./budgets.json — the one source of truth shared with
// tools/perf/load-runner.mjs. Edit budgets there, not here.
import http from 'k6/http';
import { check, sleep } from 'k6';

// ---- init context -------------------------------------------------------------------------
const BUDGETS = JSON.parse(open('./budgets.json'));
const BUDGET_NAME = __ENV.BUDGET || BUDGETS.defaultBudget;
const BUDGET = BUDGETS.budgets[BUDGET_NAME];
if (!BUDGET) {
  throw new Error(
    `BUDGET=${BUDGET_NAME} is not in budgets.json (have: ${Object.keys(BUDGETS.budgets).join(', ')})`,
  );
}

const BASE_URL = (__ENV.BASE_URL || 'http://localhost:3000').replace(
  /\/+$/,
  '',
);
// TOKENS wins; TOKENS_FILE (JWTs separated by commas or newlines) is for the compose perf profile.
const TOKENS = (
  __ENV.TOKENS || (__ENV.TOKENS_FILE ? open(__ENV.TOKENS_FILE) : '')
)
  .split(/[\s,]+/)
  .map((t) => t.trim())
  .filter((t) => t.length > 0);
const VUS = parseInt(__ENV.VUS || '50', 10);
const DURATION = __ENV.DURATION || '60s';
const PAGES = parseInt(__ENV.PAGES || '5', 10);
const SLEEP = parseFloat(__ENV.SLEEP || '0');

const ENDPOINTS = BUDGETS.endpoints; // { list: {path, perPipeline}, ir: ..., sql_preview: ..., lineage: ... }

function buildThresholds() {
  const thresholds = {};
  const lat = BUDGET.latency;
  for (const endpoint of Object.keys(ENDPOINTS)) {
    const limit = lat.ms[endpoint];
    if (limit === undefined) continue;
    thresholds[`http_req_duration{endpoint:${endpoint}}`] = [
      `${lat.stat}${lat.op}${limit}`,
    ];
  }
  thresholds.http_req_failed = [
    `rate${BUDGET.failureRate.op}${BUDGET.failureRate.max}`,
  ];
  return thresholds;
}

export const options = {
  scenarios: {
    baseline: {
      executor: 'constant-vus',
      vus: VUS,
      duration: DURATION,
      gracefulStop: '10s',
    },
  },
  thresholds: buildThresholds(),
  summaryTrendStats: ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'],
  setupTimeout: '120s',
};

// Every request carries a `name` tag (the URL template) so per-pipeline URLs do not each become
// their own time series, and an `endpoint` tag that the thresholds select on.
function authParams(token, endpoint, name) {
  return {
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
    tags: { endpoint, name },
  };
}

// ---- setup: discover pipeline ids per token through the list endpoint ----------------------
export function setup() {
  if (TOKENS.length === 0) {
    throw new Error(
      'TOKENS is empty: pass -e TOKENS=<jwt1>,<jwt2>,... or -e TOKENS_FILE=<path> (npm run flow -- token --tenant perf-01)',
    );
  }
  const idsByToken = [];
  for (let t = 0; t < TOKENS.length; t++) {
    const ids = [];
    let cursor = null;
    for (let page = 0; page < PAGES; page++) {
      const url =
        `${BASE_URL}/api/v1/pipelines?limit=100` +
        (cursor ? `&cursor=${encodeURIComponent(cursor)}` : '');
      const res = http.get(
        url,
        authParams(TOKENS[t], 'setup', 'setup:/api/v1/pipelines'),
      );
      if (res.status !== 200) {
        throw new Error(
          `setup: token #${t + 1}: GET ${url} → ${res.status} ${String(res.body).slice(0, 200)}`,
        );
      }
      const body = res.json();
      for (const item of body.items || []) ids.push(item.id);
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    if (ids.length === 0) {
      throw new Error(
        `setup: token #${t + 1} sees no pipelines — seed first (npm run flow -- seed perf ...)`,
      );
    }
    idsByToken.push(ids);
  }
  console.log(
    `setup: budget=${BUDGET_NAME}, ${TOKENS.length} token(s), pipeline ids per token: ${idsByToken
      .map((a) => a.length)
      .join(', ')}`,
  );
  return { idsByToken };
}

// ---- the load: each iteration calls all four endpoints, as a console user would -------------
function pick(arr) {
  return arr[Math.floor(Math.random() * arr.length)];
}

export default function (data) {
  const t = (__VU - 1) % TOKENS.length; // round-robin tenants over VUs
  const token = TOKENS[t];
  const ids = data.idsByToken[t];

  for (const endpoint of Object.keys(ENDPOINTS)) {
    const ep = ENDPOINTS[endpoint];
    const id = ep.perPipeline ? pick(ids) : null;
    const path = ep.perPipeline ? ep.path.replace('{id}', id) : ep.path;
    const res = http.get(
      `${BASE_URL}${path}`,
      authParams(token, endpoint, ep.path),
    );
    check(res, { [`${endpoint} 200`]: (r) => r.status === 200 }, { endpoint });
  }

  if (SLEEP > 0) sleep(SLEEP);
}
