// Helpers shared by the benchmarks: percentiles, an autocannon run with exact per-response latencies, sequential
// HTTP sampling, timing of async work, and report formatting.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');

export function percentile(values, p) {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

export function stats(values) {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return {
    n: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    min: values.length ? min : NaN,
    max: values.length ? max : NaN,
    mean: values.length ? sum / values.length : NaN,
  };
}

export const median = (values) => percentile(values, 50);

/** autocannon against one URL: req/s and latency percentiles from every response. */
export async function cannon(
  url,
  { connections = 50, duration = 5, headers = {} } = {},
) {
  const latencies = [];
  let non2xx = 0;
  const instance = autocannon({
    url,
    connections,
    duration,
    headers,
    timeout: 10,
  });
  instance.on('response', (_client, status, _bytes, time) => {
    latencies.push(time);
    if (status < 200 || status > 299) non2xx++;
  });
  const result = await instance;
  return {
    rps: latencies.length / (result.duration || duration),
    errors: result.errors,
    non2xx,
    ...stats(latencies),
  };
}

/** `count` sequential GETs (one connection, keep-alive), latency per request in ms. */
export async function sequential(url, { count = 200, headers = {} } = {}) {
  const times = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { headers });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET ${url} → ${res.status}`);
    times.push(performance.now() - t0);
  }
  return stats(times);
}

export async function timed(work) {
  const t0 = performance.now();
  const value = await work();
  return { ms: performance.now() - t0, value };
}

export const fmt = (v, digits = 2) =>
  Number.isFinite(v) ? v.toFixed(digits) : '-';

export function table(head, rows) {
  const cells = rows.map((r) => r.map(String));
  const widths = head.map((h, i) =>
    Math.max(h.length, ...cells.map((r) => r[i].length)),
  );
  const line = (r) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ');
  return [
    line(head),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.map(line),
  ].join('\n');
}
