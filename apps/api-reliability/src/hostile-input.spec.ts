/**
 * Scenario 5 — hostile input. ≥ 1,000 generated bad or hostile requests (fast-check) across POST /pipelines,
 * PATCH /pipelines/:id and PUT /pipelines/:id/ir: schedules, IR nodes, identifiers with quotes, unicode and SQL,
 * bodies over the 1 MiB limit, deep nesting, wrong types, prototype-pollution keys. Promised: 2xx or 4xx only, never
 * a 5xx; every 4xx is the JSON error shape, every 400 names the offending field(s); a rejected write leaves the
 * pipelines table byte-for-byte unchanged (checksum before/after every request). In-process (`createTestApp`).
 */
import fc from 'fast-check';
import { SignJWT } from 'jose';

import { PipelinesModule } from '@flow/api/pipelines';
import { createTestApp, type TestApp } from '@flow/api/tenancy/testing';

import {
  createTenant,
  freshDatabase,
  type TestDatabase,
} from './support/database';
import { CHAOS, percentile, report } from './support/figures';
import {
  JWT_SECRET,
  killAllChildren,
  startApi,
  type ApiProcess,
} from './support/processes';

const GENERATED = CHAOS ? 10_000 : 1_200;
const SEED = Number(process.env['FLOW_HOSTILE_SEED'] ?? 20261127);
const BODY_LIMIT = 1_048_576;

interface HostileRequest {
  method: 'POST' | 'PATCH' | 'PUT';
  /** Which of the existing pipelines (PATCH/PUT), or a hostile id. */
  target: number | string;
  /** The raw body, so that keys like `__proto__` and invalid JSON reach the server as written. */
  payload: string;
  contentType?: string;
}

// ---- arbitraries ----------------------------------------------------------------------------------------------
const nasty = fc.constantFrom(
  `'; DROP TABLE pipelines; --`,
  `" OR 1=1 --`,
  `orders"; DELETE FROM tenants; --`,
  `tenant_other.orders`,
  `public.tenants`,
  `pg_catalog.pg_authid`,
  `\\`,
  `'`,
  `"`,
  '`',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'é',
  'Ｏｒｄｅｒｓ',
  '𝕆𝕣𝕕𝕖𝕣𝕤',
  '\u202eevil',
  'ǅ',
  'ß',
  'İ',
  '\t\n\r',
  ' ',
  '',
  '$1',
  '%s',
  '${7*7}',
  '{{7*7}}',
  '../../etc/passwd',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'a'.repeat(64),
  'a'.repeat(10_000),
  'x'.repeat(201),
  'NULL',
  'null',
  'true',
  '1e400',
  '-0',
  'NaN',
  'Infinity',
);
const text = fc.oneof(
  nasty,
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('orders', 'status', 'amount', 'paid_orders'),
);
const anything: fc.Arbitrary<unknown> = fc.oneof(
  text,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(text, { maxLength: 3 }),
  fc.dictionary(text, text, { maxKeys: 3 }),
);

const cronField = fc.constantFrom(
  '*',
  '*/5',
  '0',
  '59',
  '60',
  '-1',
  '1-5',
  '5-1',
  '*/0',
  '*/61',
  'L',
  '?',
  '#',
  'MON',
  'JAN',
  '1,2,3',
  '0-59/15',
  'a',
  "'",
  '',
);
const cronExpression = fc.oneof(
  fc
    .array(cronField, { minLength: 0, maxLength: 8 })
    .map((fields) => fields.join(' ')),
  fc.constantFrom(
    '@hourly',
    '@daily',
    '@reboot',
    '@every 5m',
    '@yearly',
    '* * * * *',
    '0 0 30 2 *',
    '0 0 31 4 *',
  ),
  text,
);
const zone = fc.oneof(
  fc.constantFrom(
    'UTC',
    'Europe/Berlin',
    'America/New_York',
    'Mars/Olympus',
    'Etc/GMT+99',
    '../../etc/localtime',
    'utc',
    '+01:00',
    'EST5EDT',
  ),
  text,
);
const policies = fc.record(
  {
    misfire: fc.oneof(
      fc.constantFrom('coalesce', 'skip', 'catchup', 'replay'),
      anything,
    ),
    maxCatchup: fc.oneof(fc.integer({ min: -5, max: 200 }), anything),
    overlap: fc.oneof(fc.constantFrom('skip', 'allow', 'queue'), anything),
  },
  { requiredKeys: [] },
);
const schedule = fc.oneof(
  fc
    .tuple(
      fc.record(
        {
          type: fc.constant('cron'),
          expression: cronExpression,
          timezone: zone,
        },
        { requiredKeys: ['type'] },
      ),
      policies,
    )
    .map(([s, p]) => ({ ...s, ...p })),
  fc
    .tuple(
      fc.record(
        {
          type: fc.constant('interval'),
          every: fc.oneof(
            fc.constantFrom(
              'PT1M',
              'PT0S',
              'PT30S',
              'PT-5M',
              'P1Y',
              'PT1.5M',
              'P1DT',
              'PT99999999999M',
              'PT15M',
            ),
            text,
          ),
          anchor: fc.oneof(
            fc.constantFrom(
              '2026-01-01T00:00:00Z',
              '2026-02-30T00:00:00Z',
              '0000-01-01T00:00:00Z',
              '+275760-09-13T00:00:00Z',
              'yesterday',
            ),
            anything,
          ),
        },
        { requiredKeys: ['type'] },
      ),
      policies,
    )
    .map(([s, p]) => ({ ...s, ...p })),
  fc.record({
    type: fc.constant('rrule'),
    rrule: fc.oneof(
      fc.constantFrom(
        'RRULE:FREQ=SECONDLY',
        'RRULE:FREQ=MINUTELY;INTERVAL=0',
        'DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY;COUNT=-1',
        'DTSTART;TZID=Nowhere/City:20260105T090000\nRRULE:FREQ=WEEKLY',
        'RRULE:FREQ=YEARLY;BYMONTHDAY=31;BYMONTH=2',
      ),
      text,
    ),
  }),
  fc.record({
    type: fc.oneof(
      fc.constantFrom(
        'cron',
        'interval',
        'rrule',
        'sql',
        'CRON',
        '__proto__',
        'constructor',
        'toString',
      ),
      anything,
    ),
  }),
  anything,
);
const nodeType = fc.oneof(
  fc.constantFrom(
    'source',
    'filter',
    'select',
    'aggregate',
    'join',
    'validate',
    'target',
    'sql',
    'raw',
    'python',
  ),
  anything,
);
const node = fc.record(
  {
    id: fc.oneof(fc.constantFrom('orders', 'paid', 'out'), text),
    type: nodeType,
    input: fc.oneof(fc.constantFrom('orders', 'paid', 'nope'), text),
    table: fc.oneof(
      fc.constantFrom('orders', 'paid_orders', 'tenants', 'pipelines'),
      text,
    ),
    columns: fc.oneof(fc.array(text, { maxLength: 4 }), anything),
    where: fc.oneof(
      fc.array(
        fc.record({
          column: text,
          op: fc.oneof(
            fc.constantFrom('=', '!=', '<', 'in', 'like', ';', '~~', 'OR'),
            text,
          ),
          value: anything,
        }),
        { maxLength: 2 },
      ),
      anything,
    ),
    mode: fc.oneof(
      fc.constantFrom('append', 'replace', 'merge', 'truncate'),
      anything,
    ),
    key: fc.oneof(fc.array(text, { maxLength: 2 }), anything),
    rules: fc.oneof(
      fc.array(
        fc.record({
          column: text,
          check: fc.oneof(fc.constantFrom('not_null', 'regex', 'range'), text),
          pattern: text,
        }),
        { maxLength: 2 },
      ),
      anything,
    ),
    onFail: fc.oneof(fc.constantFrom('dlq', 'fail', 'ignore'), anything),
    sql: text,
  },
  { requiredKeys: ['type'] },
);
const ir = fc.oneof(
  fc.record(
    {
      version: fc.oneof(fc.constant(1), anything),
      schedule: fc.oneof(schedule, fc.constant(null)),
      nodes: fc.oneof(fc.array(node, { maxLength: 5 }), anything),
    },
    { requiredKeys: ['version', 'nodes'] },
  ),
  fc.record({
    version: fc.constant(1),
    schedule,
    nodes: fc.constant([
      { id: 'orders', type: 'source', table: 'orders', columns: ['id'] },
      {
        id: 'out',
        type: 'target',
        input: 'orders',
        table: 'copy',
        mode: 'append',
      },
    ]),
  }),
  anything,
);
const pipelineBody = fc.record(
  {
    name: fc.oneof(text, anything),
    ir,
    paused: fc.oneof(fc.boolean(), anything),
  },
  { requiredKeys: [] },
);

/** Raw bodies JSON.stringify cannot write: prototype pollution keys, deep nesting, broken JSON. */
const pollute = (body: unknown) =>
  fc
    .constantFrom(
      (json: string) =>
        `{"__proto__":{"polluted":"yes","paused":true},${json.slice(1)}`,
      (json: string) =>
        `{"constructor":{"prototype":{"polluted":"yes"}},${json.slice(1)}`,
      (json: string) =>
        json.replace(
          /"nodes":\[\{/,
          '"nodes":[{"__proto__":{"polluted":"yes"},',
        ),
      (json: string) =>
        json.replace(
          /"schedule":\{/,
          '"schedule":{"__proto__":{"type":"cron","polluted":"yes"},',
        ),
    )
    .map((mutate) => {
      const json = JSON.stringify(
        body &&
          typeof body === 'object' &&
          !Array.isArray(body) &&
          Object.keys(body).length > 0
          ? body
          : { name: 'x' },
      );
      return mutate(
        json.startsWith('{') && json.length > 2 ? json : '{"name":"x"}',
      );
    });
const deep = fc
  .tuple(
    fc.constantFrom(100, 1_000, 10_000, 100_000),
    fc.constantFrom('array', 'object', 'ir'),
  )
  .map(([depth, shape]) => {
    if (shape === 'array')
      return `{"name":"deep","ir":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    if (shape === 'object')
      return `{"name":"deep","ir":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
    return `{"name":"deep","ir":{"version":1,"nodes":[{"type":"filter","id":"f","input":"s","where":[{"column":"c","op":"=","value":${'['.repeat(depth)}${']'.repeat(depth)}}]}]}}`;
  });
const broken = fc.constantFrom(
  '{',
  '{"name":',
  'null',
  '[]',
  '"string"',
  '123',
  '{"name":"a",}',
  "{'name':'a'}",
  '{"name":"\\ud800"}',
  '{"name":"a\\u0000"}',
  '\u0000',
  '',
);

const payload = (body: fc.Arbitrary<unknown>) =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: body.map((value) => JSON.stringify(value) ?? 'null'),
    },
    { weight: 2, arbitrary: body.chain(pollute) },
    { weight: 1, arbitrary: deep },
    { weight: 1, arbitrary: broken },
  );
const target = fc.oneof(
  { weight: 9, arbitrary: fc.integer({ min: 0, max: 2 }) },
  { weight: 1, arbitrary: text },
);
const request: fc.Arbitrary<HostileRequest> = fc.oneof(
  payload(pipelineBody).map((p) => ({
    method: 'POST' as const,
    target: 0,
    payload: p,
  })),
  fc
    .tuple(target, payload(pipelineBody))
    .map(([t, p]) => ({ method: 'PATCH' as const, target: t, payload: p })),
  fc
    .tuple(target, payload(ir))
    .map(([t, p]) => ({ method: 'PUT' as const, target: t, payload: p })),
);

/** Every byte percent-encoded (lone surrogates become U+FFFD, as any HTTP client would send them). */
const percentEncode = (value: string) =>
  [...Buffer.from(value, 'utf8')]
    .map((byte) => `%${byte.toString(16).padStart(2, '0')}`)
    .join('');

describe('hostile input on the pipeline write routes', () => {
  let t: TestApp;
  let auth: Record<string, string>;
  const ids: string[] = [];

  beforeAll(async () => {
    t = await createTestApp([PipelinesModule], { WORKER_ENABLED: 'false' });
    const tenant = await t.createTenant('hostile');
    auth = { authorization: `Bearer ${await t.tokenFor(tenant)}` };
    await t.db.dataSource.query(
      `CREATE TABLE tenant_hostile.orders (id integer PRIMARY KEY, amount numeric, status text)`,
    );
    for (const name of ['first', 'second', 'third']) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/pipelines',
        headers: auth,
        payload: {
          name,
          ir: {
            version: 1,
            schedule: { type: 'cron', expression: '*/5 * * * *' },
            nodes: [
              {
                id: 'orders',
                type: 'source',
                table: 'orders',
                columns: ['id', 'status'],
              },
              {
                id: 'out',
                type: 'target',
                input: 'orders',
                table: 'copy',
                mode: 'append',
              },
            ],
          },
        },
      });
      expect(response.statusCode).toBe(201);
      ids.push(response.json<{ id: string }>().id);
    }
  });

  afterAll(async () => {
    await t?.close();
  });

  const checksum = async (): Promise<string> =>
    (
      await t.db.dataSource.query(
        `SELECT md5(coalesce(string_agg(p::text || s::text, '|' ORDER BY p.id), '')) AS sum
           FROM pipelines p JOIN pipeline_state s ON s.pipeline_id = p.id`,
      )
    )[0].sum;

  it(`answers ${GENERATED}+ generated hostile writes with 2xx/4xx only, named fields, and no change on rejection`, async () => {
    const statuses = new Map<number, number>();
    const latencies: number[] = [];
    const slowest: [number, string][] = [];
    const failures: string[] = [];
    let before = await checksum();
    let requests = 0;
    let accepted = 0;
    let rejectedUnchanged = 0;

    const send = async (req: HostileRequest) => {
      const id =
        typeof req.target === 'number'
          ? ids[req.target]
          : percentEncode(req.target);
      const url =
        req.method === 'POST'
          ? '/api/v1/pipelines'
          : req.method === 'PATCH'
            ? `/api/v1/pipelines/${id}`
            : `/api/v1/pipelines/${id}/ir`;
      const started = performance.now();
      const response = await t.app.inject({
        method: req.method,
        url,
        headers: {
          ...auth,
          'content-type': req.contentType ?? 'application/json',
        },
        payload: req.payload,
      });
      latencies.push(performance.now() - started);
      slowest.push([
        performance.now() - started,
        req.payload.slice(0, 90).replace(/\s+/g, ' '),
      ]);
      requests++;
      const status = response.statusCode;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      const after = await checksum();
      const label = `${req.method} ${url.slice(0, 80)} ${req.payload.slice(0, 160)}`;
      if (status >= 500 || status < 200 || (status >= 300 && status < 400))
        failures.push(`${status} ← ${label} → ${response.body.slice(0, 200)}`);
      if (status >= 400) {
        let body: {
          statusCode?: number;
          error?: string;
          message?: string;
          details?: { path?: string; message?: string }[];
        } = {};
        try {
          body = response.json();
        } catch {
          failures.push(`non-JSON ${status} ← ${label}`);
        }
        if (
          body.statusCode !== status ||
          typeof body.error !== 'string' ||
          typeof body.message !== 'string'
        )
          failures.push(
            `error shape ${status} ← ${label} → ${response.body.slice(0, 200)}`,
          );
        if (
          status === 400 &&
          !(
            Array.isArray(body.details) &&
            body.details.length > 0 &&
            body.details.every(
              (d) => typeof d.path === 'string' && d.path.length > 0,
            )
          )
        ) {
          failures.push(
            `400 without field ← ${label} → ${response.body.slice(0, 200)}`,
          );
        }
        if (after !== before)
          failures.push(`rejected write changed the table ← ${label}`);
        else rejectedUnchanged++;
      } else {
        accepted++;
      }
      before = after;
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    };

    // Fixed cases first: the body limit (1 MiB → 413) on every route, and a non-JSON content type.
    const huge = (size: number) =>
      JSON.stringify({
        name: 'huge',
        ir: {
          version: 1,
          nodes: [
            {
              id: 'orders',
              type: 'source',
              table: 'orders',
              columns: ['x'.repeat(size)],
            },
          ],
        },
      });
    for (const method of ['POST', 'PATCH', 'PUT'] as const) {
      await send({ method, target: 0, payload: huge(BODY_LIMIT + 1) });
      await send({ method, target: 0, payload: huge(5 * BODY_LIMIT) });
      await send({
        method,
        target: 0,
        payload: 'name=x',
        contentType: 'application/x-www-form-urlencoded',
      });
    }
    const fixedLimitStatuses = statuses.get(413) ?? 0;

    await fc.assert(
      fc.asyncProperty(request, async (req) => {
        await send(req);
      }),
      { numRuns: GENERATED, seed: SEED, endOnFailure: true },
    );

    report('hostile-input', {
      requests,
      generated: GENERATED,
      seed: SEED,
      statuses: [...statuses.entries()]
        .sort(([a], [b]) => a - b)
        .map(([s, n]) => `${s}:${n}`)
        .join(','),
      accepted,
      rejectedUnchanged,
      status5xx: [...statuses.entries()]
        .filter(([s]) => s >= 500)
        .reduce((sum, [, n]) => sum + n, 0),
      p95Ms: percentile(latencies, 95),
      maxMs: Math.max(...latencies),
      failures: failures.length,
    });
    const [slowestMs, slowestBody] = slowest.sort((a, b) => b[0] - a[0])[0];
    process.stdout.write(
      `RELIABILITY hostile-input slowest request ${slowestMs.toFixed(0)} ms: ${slowestBody}\n`,
    );
    expect(failures.slice(0, 10)).toEqual([]);
    expect(fixedLimitStatuses).toBe(6);
    expect(requests).toBeGreaterThanOrEqual(1_000);
  }, 300_000);

  it('answers 400, not 500, for a schedule type named like an Object.prototype key', async () => {
    for (const type of ['__proto__', 'constructor', 'toString']) {
      const response = await t.app.inject({
        method: 'PUT',
        url: `/api/v1/pipelines/${ids[0]}/ir`,
        headers: auth,
        payload: { version: 1, schedule: { type }, nodes: [] },
      });
      expect(response.statusCode).toBe(400);
    }
  });
});

/**
 * Issue 11: one rrule that never fires made validation search to the year 9999 on the event loop — the request never
 * answered, and neither did `/health/live` or anything else. Against the real api process: each rule of the issue is
 * answered (400 naming `ir.schedule.rrule` with the reason, or the rare-but-valid one 201 with its next fire) while a
 * prober asks `/health/live` every 20 ms over its own connection, and every probe is answered. The rejections must
 * come from reasoning over the rule ("never fires: …"), not from a budget running out.
 */
describe('rrules that never fire do not stall the api (issue 11, DESIGN §17)', () => {
  let db: TestDatabase;
  let api: ApiProcess;
  let headers: Record<string, string>;

  beforeAll(async () => {
    db = await freshDatabase();
    const tenant = await createTenant(db, 'never-fires');
    api = await startApi('never-fires-api', db.url);
    const token = await new SignJWT({ tenant_id: tenant.id, role: 'editor' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(JWT_SECRET));
    headers = {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    };
  });

  afterAll(async () => {
    await killAllChildren();
    await db?.drop();
  });

  const ir = (rrule: string) => ({
    version: 1,
    schedule: { type: 'rrule', rrule },
    nodes: [
      { id: 'orders', type: 'source', table: 'orders', columns: ['id'] },
      {
        id: 'out',
        type: 'target',
        input: 'orders',
        table: 'copy',
        mode: 'append',
      },
    ],
  });
  const NEVER: [string, RegExp][] = [
    [
      'DTSTART;TZID=Australia/Lord_Howe:20250415T124500\nRRULE:FREQ=HOURLY;INTERVAL=3;BYHOUR=1,13;BYMINUTE=30',
      /^never fires: INTERVAL=3 hours from 12:45/,
    ],
    [
      'DTSTART:20261201T090000Z\nRRULE:FREQ=DAILY;INTERVAL=7;BYDAY=MO',
      /^never fires: every 7 days from a Tuesday/,
    ],
    [
      'DTSTART:20270115T090000Z\nRRULE:FREQ=MONTHLY;INTERVAL=12;BYMONTH=3',
      /^never fires: INTERVAL=12 months from January/,
    ],
    [
      'DTSTART:20261201T090000Z\nRRULE:FREQ=MINUTELY;INTERVAL=2;BYMINUTE=1,3,5',
      /^never fires: INTERVAL=2 minutes from minute 0/,
    ],
    [
      'DTSTART:20261201T090000Z\nRRULE:FREQ=HOURLY;INTERVAL=48;BYHOUR=13',
      /^never fires: INTERVAL=48 hours from 09:00/,
    ],
    [
      'DTSTART:20261201T090000Z\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO',
      /^next fires at 2044-02-29T09:00:00.000Z, more than 10 years away$/,
    ],
  ];

  it('answers each rule of the issue, by reasoning, while /health/live keeps answering', async () => {
    let probing = true;
    const probes: { status: number; ms: number }[] = [];
    const prober = (async () => {
      while (probing) {
        const started = performance.now();
        let status = 0;
        try {
          status = (
            await fetch(`${api.baseUrl}/api/v1/health/live`, {
              signal: AbortSignal.timeout(10_000),
            })
          ).status;
        } catch {
          status = 0;
        }
        probes.push({ status, ms: performance.now() - started });
        await new Promise((done) => setTimeout(done, 20));
      }
    })();
    const answers: { status: number; ms: number; message: string }[] = [];
    const post = async (name: string, rrule: string) => {
      const started = performance.now();
      const response = await fetch(`${api.baseUrl}/api/v1/pipelines`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name, ir: ir(rrule) }),
        signal: AbortSignal.timeout(30_000),
      });
      const body = (await response.json()) as {
        details?: { path: string; message: string }[];
        nextFireAt?: string;
      };
      answers.push({
        status: response.status,
        ms: performance.now() - started,
        message: body.details?.[0]?.message ?? '',
      });
      return { status: response.status, body };
    };
    try {
      for (let round = 0; round < 5; round++) {
        for (const [rrule, why] of NEVER) {
          const { status, body } = await post(`never-${round}`, rrule);
          expect(status).toBe(400);
          expect(body.details).toEqual([
            { path: 'ir.schedule.rrule', message: expect.stringMatching(why) },
          ]);
        }
      }
      const rare = await post(
        'leap-tuesdays',
        'DTSTART:20261201T090000Z\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=TU',
      );
      expect(rare.status).toBe(201);
      expect(rare.body.nextFireAt).toBe('2028-02-29T09:00:00.000Z');
    } finally {
      probing = false;
      await prober;
    }
    const budgetRanOut = answers.filter((a) => /budget/.test(a.message));
    report('never-firing-rrules', {
      requests: answers.length,
      requestP95Ms: percentile(
        answers.map((a) => a.ms),
        95,
      ),
      requestMaxMs: Math.max(...answers.map((a) => a.ms)),
      healthProbes: probes.length,
      healthMaxMs: Math.max(...probes.map((p) => p.ms)),
      healthFailures: probes.filter((p) => p.status !== 200).length,
    });
    expect(budgetRanOut).toEqual([]);
    expect(probes.length).toBeGreaterThan(0);
    expect(probes.filter((p) => p.status !== 200)).toEqual([]);
    const [{ n }] = await db.dataSource.query(
      `SELECT count(*)::int AS n FROM pipelines`,
    );
    expect(n).toBe(1);
  }, 120_000);
});
