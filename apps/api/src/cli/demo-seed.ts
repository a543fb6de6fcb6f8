import { Logger } from '@nestjs/common';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { PipelinesService } from '@flow/api/pipelines';
import {
  TenantsService,
  type CallerContext,
  type TenantContext,
} from '@flow/api/tenancy';
import type { PipelineIr, Schedule } from '@flow/contracts';

import {
  createPaymentsTables,
  DEMO_DEAD_LETTERS_PIPELINE,
  paymentsSettlementIr,
  runPaymentsSettlementOnce,
} from './demo-dead-letters';
import { seedDemoHistory } from './demo-history';
import { createSourceTables } from './source-tables';

export const DEMO_TENANT_SLUG = 'demo';

/** The demo pipelines' first versions are recorded as saved by the seed. */
const DEMO_AUTHOR: CallerContext = { subject: 'flow-seed', role: 'admin' };

/**
 * The demo tenant: source tables with realistic rows and ~25 pipelines over every schedule kind. Idempotent —
 * tables and pipelines that exist are left as they are, so restarts keep the demo's history.
 */
export async function seedDemo(
  app: INestApplicationContext,
): Promise<TenantContext> {
  const logger = new Logger('Seed');
  const { tenant } = await app.get(TenantsService).create({
    slug: DEMO_TENANT_SLUG,
    name: 'Demo Inc.',
    timezone: 'Europe/Berlin',
  });
  await createSourceTables(app.get(DataSource), tenant.schema, {
    customers: 500,
    orders: 5_000,
    events: 20_000,
  });
  await createPaymentsTables(app.get(DataSource), tenant.schema);
  const pipelines = app.get(PipelinesService);
  const existing = new Set<string>();
  for (let cursor: string | undefined; ; ) {
    const page = await pipelines.list(tenant, { limit: '100', cursor });
    page.items.forEach((item) => existing.add(item.name));
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  let created = 0;
  for (const { name, ir, paused } of demoPipelines()) {
    if (existing.has(name)) continue;
    await pipelines.create(tenant, DEMO_AUTHOR, { name, ir, paused });
    created++;
  }
  if (created > 0)
    logger.log(`Seeded ${created} demo pipelines for tenant "${tenant.slug}"`);
  const all = [];
  for (let cursor: string | undefined; ; ) {
    const page = await pipelines.list(tenant, { limit: '100', cursor });
    for (const item of page.items)
      all.push(await pipelines.get(tenant, item.id));
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  const withHistory = await seedDemoHistory(
    app.get(DataSource),
    tenant.id,
    all.filter((pipeline) => pipeline.ir.schedule),
  );
  if (withHistory > 0)
    logger.log(`Seeded run history for ${withHistory} demo pipelines`);
  const settlement = all.find(
    (pipeline) => pipeline.name === DEMO_DEAD_LETTERS_PIPELINE,
  );
  if (
    settlement &&
    (await runPaymentsSettlementOnce(app, tenant, settlement.id))
  )
    logger.log(
      `Ran ${DEMO_DEAD_LETTERS_PIPELINE} once: its rejected rows are open dead letters`,
    );
  return tenant;
}

interface DemoPipeline {
  name: string;
  ir: PipelineIr;
  paused?: boolean;
}

function demoPipelines(): DemoPipeline[] {
  const paidOrders = (
    target: string,
    schedule: Schedule | null,
    mode: 'append' | 'replace' | 'merge' = 'replace',
  ): PipelineIr => ({
    version: 1,
    schedule,
    nodes: [
      {
        id: 'orders',
        type: 'source',
        table: 'orders',
        columns: [
          'id',
          'customer_id',
          'amount',
          'currency',
          'status',
          'created_at',
        ],
      },
      {
        id: 'paid',
        type: 'filter',
        input: 'orders',
        where: [{ column: 'status', op: '=', value: 'paid' }],
      },
      {
        id: 'checked',
        type: 'validate',
        input: 'paid',
        rules: [
          { column: 'amount', check: 'not_null' },
          { column: 'amount', check: 'range', min: 0 },
        ],
        onFail: 'dlq',
      },
      {
        id: 'out',
        type: 'target',
        input: 'checked',
        table: target,
        mode,
        ...(mode === 'merge' ? { key: ['id'] } : {}),
      },
    ],
  });
  const revenueByCurrency = (
    target: string,
    schedule: Schedule | null,
  ): PipelineIr => ({
    version: 1,
    schedule,
    nodes: [
      { id: 'orders', type: 'source', table: 'orders' },
      {
        id: 'paid',
        type: 'filter',
        input: 'orders',
        where: [{ column: 'status', op: 'in', value: ['paid', 'refunded'] }],
      },
      {
        id: 'totals',
        type: 'aggregate',
        input: 'paid',
        groupBy: ['currency'],
        aggregations: [
          { fn: 'sum', column: 'amount', as: 'revenue' },
          { fn: 'count', as: 'orders' },
        ],
      },
      {
        id: 'out',
        type: 'target',
        input: 'totals',
        table: target,
        mode: 'replace',
      },
    ],
  });
  const customerOrders = (
    target: string,
    schedule: Schedule | null,
  ): PipelineIr => ({
    version: 1,
    schedule,
    nodes: [
      {
        id: 'orders',
        type: 'source',
        table: 'orders',
        columns: ['id', 'customer_id', 'amount', 'status'],
      },
      {
        id: 'customers',
        type: 'source',
        table: 'customers',
        columns: ['id', 'country', 'segment'],
      },
      {
        id: 'slim',
        type: 'select',
        input: 'customers',
        columns: [
          { column: 'id', as: 'customer_ref' },
          { column: 'country' },
          { column: 'segment', fn: 'upper' },
        ],
      },
      {
        id: 'joined',
        type: 'join',
        left: 'orders',
        right: 'slim',
        kind: 'inner',
        on: [{ left: 'customer_id', right: 'customer_ref' }],
      },
      {
        id: 'by_country',
        type: 'aggregate',
        input: 'joined',
        groupBy: ['country', 'segment'],
        aggregations: [
          { fn: 'sum', column: 'amount', as: 'revenue' },
          { fn: 'count_distinct', column: 'customer_id', as: 'customers' },
        ],
      },
      {
        id: 'out',
        type: 'target',
        input: 'by_country',
        table: target,
        mode: 'replace',
      },
    ],
  });
  const eventCounts = (
    target: string,
    schedule: Schedule | null,
  ): PipelineIr => ({
    version: 1,
    schedule,
    nodes: [
      { id: 'events', type: 'source', table: 'events' },
      {
        id: 'views',
        type: 'filter',
        input: 'events',
        where: [{ column: 'kind', op: '=', value: 'page_view' }],
      },
      {
        id: 'pages',
        type: 'aggregate',
        input: 'views',
        groupBy: ['page'],
        aggregations: [
          { fn: 'count', as: 'views' },
          { fn: 'max', column: 'occurred_at', as: 'last_seen' },
        ],
      },
      {
        id: 'out',
        type: 'target',
        input: 'pages',
        table: target,
        mode: 'merge',
        key: ['page'],
      },
    ],
  });
  const contactable = (
    target: string,
    schedule: Schedule | null,
  ): PipelineIr => ({
    version: 1,
    schedule,
    nodes: [
      {
        id: 'customers',
        type: 'source',
        table: 'customers',
        columns: ['id', 'name', 'email', 'country'],
      },
      {
        id: 'valid',
        type: 'validate',
        input: 'customers',
        rules: [
          { column: 'email', check: 'not_null' },
          { column: 'email', check: 'regex', pattern: '^[^@]+@[^@]+$' },
        ],
        onFail: 'dlq',
      },
      {
        id: 'out',
        type: 'target',
        input: 'valid',
        table: target,
        mode: 'merge',
        key: ['id'],
      },
    ],
  });
  /** Reads a table another demo pipeline writes: the lineage gets levels (orders → … → exec_summary). */
  const rollup = (
    source: string,
    target: string,
    schedule: Schedule | null,
  ): PipelineIr => ({
    version: 1,
    schedule,
    nodes: [
      {
        id: 'paid',
        type: 'source',
        table: source,
        columns: [
          'id',
          'customer_id',
          'amount',
          'currency',
          'status',
          'created_at',
        ],
      },
      {
        id: 'by_currency',
        type: 'aggregate',
        input: 'paid',
        groupBy: ['currency'],
        aggregations: [
          { fn: 'sum', column: 'amount', as: 'revenue' },
          { fn: 'count', as: 'orders' },
        ],
      },
      {
        id: 'out',
        type: 'target',
        input: 'by_currency',
        table: target,
        mode: 'replace',
      },
    ],
  });
  const dashboard = (schedule: Schedule | null): PipelineIr => ({
    version: 1,
    schedule,
    nodes: [
      {
        id: 'rollup',
        type: 'source',
        table: 'revenue_rollup_hourly',
        columns: ['currency', 'revenue', 'orders'],
      },
      {
        id: 'nightly',
        type: 'source',
        table: 'revenue_by_currency',
        columns: ['currency', 'revenue', 'orders'],
      },
      {
        id: 'nightly_renamed',
        type: 'select',
        input: 'nightly',
        columns: [
          { column: 'currency', as: 'nightly_currency' },
          { column: 'revenue', as: 'nightly_revenue' },
        ],
      },
      {
        id: 'compared',
        type: 'join',
        left: 'rollup',
        right: 'nightly_renamed',
        kind: 'left',
        on: [{ left: 'currency', right: 'nightly_currency' }],
      },
      {
        id: 'sane',
        type: 'validate',
        input: 'compared',
        rules: [{ column: 'revenue', check: 'range', min: 0 }],
        onFail: 'dlq',
      },
      {
        id: 'out',
        type: 'target',
        input: 'sane',
        table: 'finance_dashboard',
        mode: 'replace',
      },
    ],
  });
  const cron = (
    expression: string,
    timezone?: string,
    extra: Partial<Schedule> = {},
  ): Schedule =>
    ({
      type: 'cron',
      expression,
      ...(timezone ? { timezone } : {}),
      ...extra,
    }) as Schedule;
  const interval = (every: string, extra: Partial<Schedule> = {}): Schedule =>
    ({ type: 'interval', every, ...extra }) as Schedule;
  const rrule = (text: string): Schedule => ({ type: 'rrule', rrule: text });
  return [
    {
      name: 'paid-orders-every-minute',
      ir: paidOrders('paid_orders_live', cron('* * * * *'), 'merge'),
    },
    {
      name: 'paid-orders-5min',
      ir: paidOrders('paid_orders_5min', cron('*/5 * * * *')),
    },
    {
      name: 'paid-orders-quarter-hour',
      ir: paidOrders('paid_orders_15min', interval('PT15M')),
    },
    {
      name: 'paid-orders-hourly',
      ir: paidOrders('paid_orders_hourly', cron('@hourly')),
    },
    {
      name: 'paid-orders-append-audit',
      ir: paidOrders('paid_orders_audit', interval('PT30M'), 'append'),
    },
    {
      name: 'revenue-by-currency-nightly',
      ir: revenueByCurrency(
        'revenue_by_currency',
        cron('30 2 * * *', 'Europe/Berlin'),
      ),
    },
    {
      name: 'revenue-by-currency-ny-close',
      ir: revenueByCurrency(
        'revenue_ny_close',
        cron('0 17 * * 1-5', 'America/New_York'),
      ),
    },
    {
      name: 'revenue-by-currency-tokyo',
      ir: revenueByCurrency('revenue_tokyo', cron('0 9 * * *', 'Asia/Tokyo')),
    },
    {
      name: 'revenue-by-currency-2min',
      ir: revenueByCurrency('revenue_by_currency_live', interval('PT2M')),
    },
    {
      name: 'customer-revenue-weekly',
      ir: customerOrders(
        'customer_revenue_weekly',
        cron('0 6 * * 1', 'Europe/Berlin'),
      ),
    },
    {
      name: 'customer-revenue-10min',
      ir: customerOrders('customer_revenue_live', cron('*/10 * * * *')),
    },
    {
      name: 'customer-revenue-month-end',
      ir: customerOrders(
        'customer_revenue_month_end',
        rrule(
          'DTSTART;TZID=Europe/Berlin:20260131T230000\nRRULE:FREQ=MONTHLY;BYMONTHDAY=-1',
        ),
      ),
    },
    {
      name: 'page-views-mon-thu',
      ir: eventCounts(
        'page_views_mon_thu',
        rrule(
          'DTSTART;TZID=Europe/Berlin:20260105T090000\nRRULE:FREQ=WEEKLY;BYDAY=MO,TH',
        ),
      ),
    },
    {
      name: 'page-views-every-3min',
      ir: eventCounts(
        'page_views_live',
        interval('PT3M', { misfire: 'catchup', maxCatchup: 5 }),
      ),
    },
    {
      name: 'page-views-hourly-lord-howe',
      ir: eventCounts(
        'page_views_lord_howe',
        cron('15 * * * *', 'Australia/Lord_Howe'),
      ),
    },
    {
      name: 'page-views-business-hours',
      ir: eventCounts(
        'page_views_business_hours',
        cron('0,30 9-17 * * 1-5', 'Europe/London'),
      ),
    },
    {
      name: 'contactable-customers-daily',
      ir: contactable(
        'contactable_customers',
        cron('0 7 * * *', 'America/Los_Angeles'),
      ),
    },
    {
      name: 'contactable-customers-4min',
      ir: contactable(
        'contactable_customers_live',
        interval('PT4M', { overlap: 'allow' }),
      ),
    },
    {
      name: 'contactable-customers-biweekly',
      ir: contactable(
        'contactable_biweekly',
        rrule(
          'DTSTART;TZID=America/New_York:20260102T080000\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=FR',
        ),
      ),
    },
    {
      name: 'orders-quarterly-close',
      ir: revenueByCurrency(
        'revenue_quarterly',
        cron('0 0 1 1,4,7,10 *', 'UTC'),
      ),
    },
    {
      name: 'orders-skip-misfires',
      ir: paidOrders(
        'paid_orders_skip',
        cron('*/2 * * * *', undefined, { misfire: 'skip' }),
      ),
    },
    {
      name: 'orders-leap-day',
      ir: revenueByCurrency('revenue_leap_day', cron('0 12 29 2 *')),
    },
    {
      name: 'orders-paused-hourly',
      ir: paidOrders('paid_orders_paused', cron('0 * * * *')),
      paused: true,
    },
    {
      name: 'events-paused-interval',
      ir: eventCounts('page_views_paused', interval('PT1H')),
      paused: true,
    },
    {
      name: 'revenue-rollup-hourly',
      ir: rollup(
        'paid_orders_hourly',
        'revenue_rollup_hourly',
        cron('10 * * * *'),
      ),
    },
    {
      name: 'finance-dashboard',
      ir: dashboard(cron('20 * * * *')),
    },
    {
      name: 'exec-summary-weekly',
      ir: {
        version: 1,
        schedule: cron('0 8 * * 1', 'Europe/Berlin'),
        nodes: [
          {
            id: 'dashboard',
            type: 'source',
            table: 'finance_dashboard',
            columns: ['currency', 'revenue', 'orders', 'nightly_revenue'],
          },
          {
            id: 'big',
            type: 'filter',
            input: 'dashboard',
            where: [{ column: 'revenue', op: '>', value: 0 }],
          },
          {
            id: 'out',
            type: 'target',
            input: 'big',
            table: 'exec_summary',
            mode: 'replace',
          },
        ],
      },
    },
    {
      // Unscheduled; the seed runs it once so that it has open dead letters of both kinds to look at and replay.
      name: DEMO_DEAD_LETTERS_PIPELINE,
      ir: paymentsSettlementIr(),
    },
    {
      name: 'adhoc-backfill',
      ir: paidOrders('paid_orders_backfill', null, 'append'),
    },
  ];
}
