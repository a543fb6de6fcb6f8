import { createTestApp, type TestApp } from '@flow/api/tenancy/testing';
import type { TenantContext } from '@flow/api/tenancy';
import type {
  SchedulerStatusPage,
  SchedulerStatusResponse,
  SchedulerStatusRow,
  SchedulerStatusSort,
} from '@flow/contracts';

import { SchedulerModule } from './scheduler.module';
import { STATUS_VERSION_TTL_MS } from './status.service';

const MINUTE = 60_000;
/** A change shows once the version read before it has expired. */
const versionExpired = () =>
  new Promise((resolve) => setTimeout(resolve, STATUS_VERSION_TTL_MS + 50));

/** Paged status against real PostgreSQL: every row exactly once, counts, filters, ETag/304, isolation, bad input. */
describe('StatusService (paged)', () => {
  let t: TestApp;
  let acme: TenantContext;
  let other: TenantContext;
  let acmeToken: string;
  let otherToken: string;
  let full: SchedulerStatusResponse;

  const sql = <T = Record<string, unknown>>(
    text: string,
    params: unknown[] = [],
  ): Promise<T[]> => t.db.dataSource.query(text, params);

  const get = (
    url: string,
    token = acmeToken,
    headers: Record<string, string> = {},
  ) =>
    t.app.inject({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${token}`, ...headers },
    });

  async function insert(
    tenant: TenantContext,
    count: number,
    prefix: string,
    schedule: Record<string, unknown>,
    options: { paused?: boolean; lastRunMinutesAgo?: number | null } = {},
  ): Promise<void> {
    // Start instants spread over ten days, so schedules without an anchor of their own get many fire sequences.
    await sql(
      `WITH p AS (
         INSERT INTO pipelines (tenant_id, name, ir, schedule_kind, paused)
         SELECT $1, $2 || '-' || lpad(g::text, 4, '0'), $3::jsonb, $4, $5 FROM generate_series(1, $6) AS g
         RETURNING id, tenant_id, name
       )
       INSERT INTO pipeline_state (pipeline_id, tenant_id, schedule_since, last_run_at, last_run_status)
       SELECT id, tenant_id, date_trunc('minute', now()) - make_interval(mins => 1440 * 10 - (hashtext(name) & 1023)),
              CASE WHEN $7::int IS NULL THEN NULL ELSE now() - make_interval(mins => $7::int + (hashtext(name) & 7)) END,
              CASE WHEN $7::int IS NULL THEN NULL WHEN hashtext(name) & 3 = 0 THEN 'failed' ELSE 'succeeded' END
         FROM p`,
      [
        tenant.id,
        prefix,
        JSON.stringify({ version: 1, schedule, nodes: [] }),
        schedule['type'],
        options.paused ?? false,
        count,
        options.lastRunMinutesAgo ?? null,
      ],
    );
  }

  beforeAll(async () => {
    t = await createTestApp([SchedulerModule]);
    acme = await t.createTenant('acme-paged');
    other = await t.createTenant('other-paged');
    acmeToken = await t.tokenFor(acme);
    otherToken = await t.tokenFor(other);
    const utcCron = (expression: string) => ({
      type: 'cron',
      expression,
      timezone: 'UTC',
    });
    await insert(acme, 300, 'minutely', utcCron('* * * * *'), {
      lastRunMinutesAgo: 0,
    });
    await insert(acme, 250, 'quarter', utcCron('*/15 * * * *'), {
      lastRunMinutesAgo: 200,
    });
    await insert(acme, 200, 'hourly-interval', {
      type: 'interval',
      every: 'PT1H',
    });
    await insert(acme, 100, 'paused', utcCron('0 9 * * *'), {
      paused: true,
      lastRunMinutesAgo: 3000,
    });
    await insert(acme, 3, 'broken', utcCron('not a cron'));
    await insert(other, 40, 'other', utcCron('* * * * *'));
    const response = await get('/api/v1/scheduler-status');
    expect(response.statusCode).toBe(200);
    full = response.json<SchedulerStatusResponse>();
  }, 120_000);

  afterAll(async () => {
    await t.close();
  });

  async function walk(query: string): Promise<{
    pages: SchedulerStatusPage[];
    rows: SchedulerStatusRow[];
  }> {
    const pages: SchedulerStatusPage[] = [];
    let cursor: string | null = null;
    // Bounded: 853 rows at 37 per page is 24 pages.
    for (let i = 0; i < 100; i++) {
      const response = await get(
        `/api/v1/scheduler-status?limit=37&${query}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(response.statusCode).toBe(200);
      const page = response.json<SchedulerStatusPage>();
      pages.push(page);
      cursor = page.nextCursor;
      if (cursor === null) break;
    }
    return { pages, rows: pages.flatMap((page) => page.pipelines) };
  }

  /** The whole list and a walk over its pages within one minute (a minute rolling over mid-walk moves lags). */
  async function walkInOneMinute(query: string): Promise<{
    whole: SchedulerStatusResponse;
    pages: SchedulerStatusPage[];
    rows: SchedulerStatusRow[];
  }> {
    for (let attempt = 1; ; attempt++) {
      const whole = (
        await get('/api/v1/scheduler-status')
      ).json<SchedulerStatusResponse>();
      const walked = await walk(query);
      if (
        walked.pages.every((page) => page.generatedAt === whole.generatedAt) ||
        attempt === 3
      )
        return { whole, ...walked };
    }
  }

  const sortValue: Record<
    Exclude<SchedulerStatusSort, 'name' | 'schedule'>,
    (row: SchedulerStatusRow) => number | null
  > = {
    lastRun: (row) => (row.lastRunAt ? Date.parse(row.lastRunAt) : null),
    lag: (row) => (row.lagLevel === 'none' ? null : row.lagMinutes),
    nextFire: (row) => (row.nextFires[0] ? Date.parse(row.nextFires[0]) : null),
  };

  describe('paging', () => {
    it.each([
      ['name', 'asc'],
      ['name', 'desc'],
      ['schedule', 'asc'],
      ['lastRun', 'asc'],
      ['lastRun', 'desc'],
      ['lag', 'asc'],
      ['lag', 'desc'],
      ['nextFire', 'asc'],
      ['nextFire', 'desc'],
    ] as const)(
      'sort=%s order=%s: every row exactly once across the pages, in order, nulls last',
      async (sort, order) => {
        const { whole, pages, rows } = await walkInOneMinute(
          `sort=${sort}&order=${order}`,
        );
        expect(pages.length).toBe(Math.ceil(whole.pipelines.length / 37));
        expect(rows.map((row) => row.id).sort()).toEqual(
          whole.pipelines.map((row) => row.id).sort(),
        );
        expect(new Set(rows.map((row) => row.id)).size).toBe(rows.length);
        // Each row is the same row the whole list shows.
        const byId = new Map(whole.pipelines.map((row) => [row.id, row]));
        for (const row of rows) expect(row).toEqual(byId.get(row.id));
        if (sort === 'name' || sort === 'schedule') return;
        const values = rows.map(sortValue[sort]);
        const present = values.filter((v): v is number => v !== null);
        const firstNull = values.indexOf(null);
        if (firstNull >= 0)
          expect(values.slice(firstNull).every((v) => v === null)).toBe(true);
        const sorted = [...present].sort((a, b) =>
          order === 'asc' ? a - b : b - a,
        );
        expect(present).toEqual(sorted);
      },
      120_000,
    );

    it('offset pages cover the same rows in the same order as cursor pages', async () => {
      for (let attempt = 1; attempt <= 3; attempt++) {
        const { whole, rows } = await walkInOneMinute('sort=lag&order=desc');
        const pages: SchedulerStatusPage[] = [];
        for (let offset = 0; offset < whole.pipelines.length; offset += 100) {
          const response = await get(
            `/api/v1/scheduler-status?limit=100&sort=lag&order=desc&offset=${offset}`,
          );
          pages.push(response.json<SchedulerStatusPage>());
        }
        if (
          attempt < 3 &&
          pages.some((page) => page.generatedAt !== whole.generatedAt)
        )
          continue;
        expect(
          pages.flatMap((page) => page.pipelines.map((row) => row.id)),
        ).toEqual(rows.map((row) => row.id));
        return;
      }
    }, 120_000);
  });

  describe('counts', () => {
    it('are computed over every row of the tenant and agree with the rows', async () => {
      // The whole list and the page from the same minute (lag levels move when the minute turns).
      let rows: SchedulerStatusRow[] = [];
      let page: SchedulerStatusPage | null = null;
      for (let attempt = 1; attempt <= 3; attempt++) {
        const whole = (
          await get('/api/v1/scheduler-status')
        ).json<SchedulerStatusResponse>();
        page = (
          await get('/api/v1/scheduler-status?limit=5')
        ).json<SchedulerStatusPage>();
        rows = whole.pipelines;
        if (page.generatedAt === whole.generatedAt) break;
      }
      if (!page) throw new Error('no page');
      expect(page.counts).toEqual({
        onTime: rows.filter((r) => r.lagLevel === 'green').length,
        late: rows.filter((r) => r.lagLevel === 'amber').length,
        paused: rows.filter((r) => r.paused).length,
        errors: rows.filter((r) => r.error !== undefined).length,
        total: 853,
      });
      expect(page.counts.paused).toBe(100);
      expect(page.counts.errors).toBe(3);
      expect(page.matching).toBe(853);
      expect(page.pipelines).toHaveLength(5);
    });

    it('filters narrow `matching` and the rows, not the counts', async () => {
      const amber = (
        await get('/api/v1/scheduler-status?limit=500&lagLevel=amber')
      ).json<SchedulerStatusPage>();
      expect(amber.matching).toBe(amber.counts.late);
      expect(amber.pipelines.every((row) => row.lagLevel === 'amber')).toBe(
        true,
      );
      const paused = (
        await get('/api/v1/scheduler-status?limit=500&paused=true')
      ).json<SchedulerStatusPage>();
      expect(paused.matching).toBe(100);
      expect(paused.counts.total).toBe(853);
      const q = (
        await get('/api/v1/scheduler-status?limit=500&q=HOURLY-interval-01')
      ).json<SchedulerStatusPage>();
      expect(q.pipelines.map((row) => row.name)).toEqual(
        Array.from(
          { length: 100 },
          (_, i) => `hourly-interval-${String(i + 100).padStart(4, '0')}`,
        ),
      );
      const byDescription = (
        await get('/api/v1/scheduler-status?limit=1&q=invalid%20schedule')
      ).json<SchedulerStatusPage>();
      expect(byDescription.matching).toBe(3);
      const neverRan = (
        await get('/api/v1/scheduler-status?limit=500&lastRunStatus=none')
      ).json<SchedulerStatusPage>();
      expect(neverRan.matching).toBe(203);
    });
  });

  describe('ETag', () => {
    it('answers 304 for an unchanged minute, and 200 with a new tag once the tenant’s pipelines change', async () => {
      const first = await get(
        '/api/v1/scheduler-status?limit=10&q=minutely-0001',
      );
      const etag = first.headers['etag'] as string;
      expect(etag).toMatch(/^W\/".+"$/);
      const again = await get(
        '/api/v1/scheduler-status?limit=10&q=minutely-0001',
        acmeToken,
        {
          'if-none-match': etag,
        },
      );
      // The minute may roll over between the two requests: then a fresh 200 is right too.
      if (again.statusCode === 304) {
        expect(again.body).toBe('');
        expect(again.headers['etag']).toBe(etag);
      } else {
        expect(again.statusCode).toBe(200);
      }
      await sql(
        `UPDATE pipelines SET paused = true, updated_at = clock_timestamp() WHERE tenant_id = $1 AND name = 'minutely-0001'`,
        [acme.id],
      );
      await versionExpired();
      const changed = await get(
        '/api/v1/scheduler-status?limit=10&q=minutely-0001',
        acmeToken,
        {
          'if-none-match': etag,
        },
      );
      expect(changed.statusCode).toBe(200);
      expect(changed.headers['etag']).not.toBe(etag);
      expect(
        changed
          .json<SchedulerStatusPage>()
          .pipelines.find((row) => row.name === 'minutely-0001')?.paused,
      ).toBe(true);
      // A run finishing moves the state row's changed_at: a new version too.
      const tag = changed.headers['etag'] as string;
      await sql(
        `UPDATE pipeline_state s SET last_run_at = now(), last_run_status = 'succeeded', changed_at = clock_timestamp()
           FROM pipelines p WHERE p.id = s.pipeline_id AND p.tenant_id = $1 AND p.name = 'quarter-0001'`,
        [acme.id],
      );
      await versionExpired();
      const afterRun = await get(
        '/api/v1/scheduler-status?limit=10&q=minutely-0001',
        acmeToken,
        {
          'if-none-match': tag,
        },
      );
      expect(afterRun.statusCode).toBe(200);
      await sql(
        `UPDATE pipelines SET paused = false, updated_at = clock_timestamp() WHERE tenant_id = $1 AND name = 'minutely-0001'`,
        [acme.id],
      );
    });

    it('never answers 304 to another tenant holding a tag of this one', async () => {
      const acmeTag = (await get('/api/v1/scheduler-status')).headers[
        'etag'
      ] as string;
      const response = await get('/api/v1/scheduler-status', otherToken, {
        'if-none-match': acmeTag,
      });
      expect(response.statusCode).toBe(200);
      expect(
        response.json<SchedulerStatusResponse>().pipelines.map((r) => r.name),
      ).toHaveLength(40);
    });
  });

  describe('tenant isolation', () => {
    it('pages only the caller’s rows, whatever the cursor says', async () => {
      const acmePage = (
        await get('/api/v1/scheduler-status?limit=3')
      ).json<SchedulerStatusPage>();
      const response = await get(
        `/api/v1/scheduler-status?limit=100&cursor=${acmePage.nextCursor}`,
        otherToken,
      );
      expect(response.statusCode).toBe(200);
      const page = response.json<SchedulerStatusPage>();
      expect(page.counts.total).toBe(40);
      expect(page.pipelines.every((row) => row.name.startsWith('other-'))).toBe(
        true,
      );
    });
  });

  describe('bad input', () => {
    const otherSortCursor = () =>
      Buffer.from(
        JSON.stringify({
          s: 'lag',
          o: 'asc',
          v: '3',
          id: '0b8f2d1e-5c4a-4e8b-9a61-3d2f7c9e1a40',
        }),
      ).toString('base64url');

    it.each([
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['limit=ten', 'limit'],
      ['limit=10&limit=20', 'limit'],
      ['limit=10&cursor=not-a-cursor', 'cursor'],
      ['limit=10&sort=name&cursor=OTHER', 'cursor'],
      ['limit=10&offset=-1', 'offset'],
      ['limit=10&offset=5&cursor=OTHER', 'cursor'],
      ['limit=10&sort=color', 'sort'],
      ['limit=10&order=up', 'order'],
      ['limit=10&lagLevel=red', 'lagLevel'],
      ['limit=10&paused=yes', 'paused'],
      ['limit=10&lastRunStatus=done', 'lastRunStatus'],
      ['limit=10&color=blue', 'color'],
      ['cursor=OTHER', 'cursor'],
      ['sort=lag', 'sort'],
    ])('%s → 400 naming %s', async (query, field) => {
      const response = await get(
        `/api/v1/scheduler-status?${query.replace('OTHER', otherSortCursor())}`,
      );
      expect(response.statusCode).toBe(400);
      const body = response.json<{ details: { path: string }[] }>();
      expect(body.details.map((d) => d.path)).toContain(field);
    });
  });

  it('shows a pipeline created within the minute at once (its insert is a new version)', async () => {
    const before = (
      await get('/api/v1/scheduler-status?limit=1&q=late-comer')
    ).json<SchedulerStatusPage>();
    expect(before.matching).toBe(0);
    await insert(acme, 1, 'late-comer', { type: 'interval', every: 'PT1H' });
    await versionExpired();
    const after = (
      await get('/api/v1/scheduler-status?limit=1&q=late-comer')
    ).json<SchedulerStatusPage>();
    expect(after.matching).toBe(1);
    expect(after.pipelines[0].nextFires).toHaveLength(5);
    await sql(`DELETE FROM pipelines WHERE name LIKE 'late-comer%'`);
  });

  it('without limit keeps today’s response: every row, in name order, no paging fields', () => {
    expect(full.pipelines).toHaveLength(853);
    expect(Object.keys(full).sort()).toEqual(
      [
        'generatedAt',
        'lagThresholdMinutes',
        'lastTickAt',
        'pipelines',
        'warnings',
      ].sort(),
    );
    const names = full.pipelines.map((row) => row.name);
    expect(names).toEqual([...names].sort());
  });
});
