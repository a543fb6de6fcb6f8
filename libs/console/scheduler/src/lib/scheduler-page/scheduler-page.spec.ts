import { HttpRequest, provideHttpClient } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
} from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';

import type {
  SchedulerStatusResponse,
  SchedulerStatusRow,
} from '@flow/contracts';
import { VIEWER_TIME_ZONE } from '@flow/console/ui';

import { SCHEDULER_STATUS_URL } from '../data-access/scheduler-status.service';
import {
  AUTO_REFRESH_INTERVAL_MS,
  LARGE_TENANT_THRESHOLD,
  SchedulerPage,
} from './scheduler-page';

/** The page's status request, whatever its query (a small tenant's is one page of up to the threshold). */
const statusRequest = (request: HttpRequest<unknown>): boolean =>
  request.url === SCHEDULER_STATUS_URL;

const row = (overrides: Partial<SchedulerStatusRow>): SchedulerStatusRow => ({
  id: 'id',
  name: 'name',
  schedule: {
    type: 'cron',
    text: '*/15 * * * *',
    timezone: 'Europe/Berlin',
    description: 'every 15 minutes',
  },
  paused: false,
  lastRunAt: '2026-03-14T11:45:00Z',
  lastRunStatus: 'succeeded',
  expectedAt: '2026-03-14T11:45:00Z',
  lagMinutes: 0,
  lagLevel: 'green',
  nextFires: ['2026-03-14T12:00:00Z', '2026-03-14T12:15:00Z'],
  ...overrides,
});

const statusResponse = (
  pipelines: SchedulerStatusRow[],
  tick: Partial<Pick<SchedulerStatusResponse, 'lastTickAt' | 'warnings'>> = {},
): SchedulerStatusResponse => ({
  generatedAt: '2026-03-14T12:00:00Z',
  lagThresholdMinutes: 5,
  lastTickAt: '2026-03-14T12:00:00Z',
  warnings: [],
  ...tick,
  pipelines,
});

const PIPELINES = [
  row({ id: 'a', name: 'orders-hourly' }),
  row({
    id: 'b',
    name: 'billing-daily',
    lagMinutes: 190,
    lagLevel: 'amber',
    lastRunStatus: 'failed',
  }),
  row({
    id: 'c',
    name: 'crm-sync',
    paused: true,
    lagMinutes: null,
    lagLevel: 'none',
  }),
  row({
    id: 'd',
    name: 'new-pipeline',
    lastRunAt: null,
    lastRunStatus: null,
    lagMinutes: null,
    lagLevel: 'none',
  }),
];

describe(SchedulerPage.name, () => {
  // The first test pays for loading ag-grid; a busy 2-core CI machine needs more than the default 5 s.
  jest.setTimeout(20_000);

  let fixture: ComponentFixture<SchedulerPage>;
  let http: HttpTestingController;
  let el: HTMLElement;

  const byTestId = (id: string) =>
    el.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  const text = (id: string) =>
    byTestId(id)?.textContent?.replace(/\s+/g, ' ').trim();

  /** Lets ag-grid's own timers render rows (it renders in batches), then runs change detection. */
  async function settle(expectedRows?: number): Promise<void> {
    await fixture.whenStable();
    for (let waited = 0; waited < 5_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      await fixture.whenStable();
      const rendered = [
        'pipeline-name',
        'schedule',
        'status-pill',
        'lag',
        'next-fires',
      ].map((id) => el.querySelectorAll(`[data-testid="${id}"]`).length);
      if (
        expectedRows === undefined
          ? waited >= 60
          : rendered.every((count) => count >= expectedRows)
      ) {
        return;
      }
    }
  }

  function create(): void {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: VIEWER_TIME_ZONE, useValue: 'Europe/Berlin' },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(SchedulerPage);
    el = fixture.nativeElement as HTMLElement;
  }

  afterEach(() => {
    http.verify();
    jest.useRealTimers();
  });

  describe('loading', () => {
    it('shows a loading message, then the rows as an ARIA grid', async () => {
      create();
      await fixture.whenStable();
      expect(text('loading')).toBe('Loading scheduler status…');

      http.expectOne(statusRequest).flush(statusResponse(PIPELINES));
      await settle(PIPELINES.length);

      expect(byTestId('loading')).toBeNull();
      expect(
        el.querySelector('[role="grid"], [role="treegrid"]'),
      ).not.toBeNull();
      const names = Array.from(
        el.querySelectorAll('[data-testid="pipeline-name"]'),
      ).map((n) => n.textContent);
      expect(names).toEqual([
        'orders-hourly',
        'billing-daily',
        'crm-sync',
        'new-pipeline',
      ]);
      expect(
        el.querySelectorAll('[role="row"] [role="gridcell"]').length,
      ).toBeGreaterThanOrEqual(4 * 5);
    });

    it('renders lag levels, pills and next fires as data attributes the e2e can find', async () => {
      create();
      http.expectOne(statusRequest).flush(statusResponse(PIPELINES));
      await settle(PIPELINES.length);

      const levels = Array.from(
        el.querySelectorAll<HTMLElement>('[data-testid="lag"]'),
      ).map((n) => n.dataset['lagLevel']);
      expect(levels).toEqual(['green', 'amber', 'none', 'none']);
      const pills = Array.from(
        el.querySelectorAll<HTMLElement>('[data-testid="status-pill"]'),
      ).map((n) => n.dataset['status']);
      expect(pills).toEqual(
        expect.arrayContaining(['succeeded', 'failed', 'paused', 'never']),
      );
      expect(el.querySelectorAll('[data-testid="next-fires"]')).toHaveLength(4);
      expect(el.textContent).toContain('3 h 10 min');
    });
  });

  describe('counts', () => {
    it('counts on time, late, paused and total', async () => {
      create();
      http.expectOne(statusRequest).flush(statusResponse(PIPELINES));
      await settle(PIPELINES.length);

      expect(text('count-on-time')).toBe('1 on time');
      expect(text('count-late')).toBe('1 late');
      expect(text('count-paused')).toBe('1 paused');
      expect(text('count-total')).toBe('4 total');
      expect(byTestId('count-errors')).toBeNull();
      expect(byTestId('status-region')?.getAttribute('aria-live')).toBe(
        'polite',
      );
      expect(text('updated-ago')).toMatch(/^updated \d+ s ago$/);
    });

    it('counts schedule errors when there are some', async () => {
      create();
      http
        .expectOne(statusRequest)
        .flush(
          statusResponse([row({ error: 'invalid cron', lagLevel: 'none' })]),
        );
      await settle();
      expect(text('count-errors')).toBe('1 with schedule errors');
      expect(text('schedule-error')).toContain('invalid cron');
    });
  });

  describe('scheduler tick', () => {
    it('shows the api warnings in a status banner (the dead-man switch)', async () => {
      create();
      http.expectOne(statusRequest).flush(
        statusResponse(PIPELINES, {
          lastTickAt: '2026-03-14T11:55:00Z',
          warnings: [
            'no scheduler tick for 300 s (expected every minute): check the tick caller',
          ],
        }),
      );
      await settle(PIPELINES.length);

      const banner = byTestId('status-warnings');
      expect(banner?.getAttribute('role')).toBe('status');
      expect(text('status-warnings')).toContain(
        'No scheduler tick for 300 s (expected every minute): check the tick caller',
      );
      // The grid is still shown below the warning.
      expect(el.querySelectorAll('[data-testid="pipeline-name"]')).toHaveLength(
        PIPELINES.length,
      );
    });

    it('shows no banner without warnings, and the banner goes away when a refresh has none', async () => {
      create();
      http.expectOne(statusRequest).flush(
        statusResponse([], {
          lastTickAt: null,
          warnings: ['no scheduler tick has run yet'],
        }),
      );
      await fixture.whenStable();
      expect(text('status-warnings')).toContain(
        'No scheduler tick has run yet',
      );

      byTestId('refresh-button')?.click();
      http.expectOne(statusRequest).flush(statusResponse([]));
      await fixture.whenStable();
      expect(byTestId('status-warnings')).toBeNull();
    });

    it('shows when the last tick ran, discreetly, next to "updated N s ago"', async () => {
      jest.useFakeTimers({ now: Date.parse('2026-03-14T12:00:00Z') });
      create();
      http
        .expectOne(statusRequest)
        .flush(statusResponse([], { lastTickAt: '2026-03-14T11:57:30Z' }));
      fixture.detectChanges();

      expect(text('last-tick')).toBe('last tick 2 min ago');
      expect(
        byTestId('last-tick')?.querySelector('time')?.getAttribute('datetime'),
      ).toBe('2026-03-14T11:57:30Z');
      expect(byTestId('last-tick')?.getAttribute('title')).toBe(
        'Last scheduler tick: Sat 14 Mar 2026, 12:57 Europe/Berlin (UTC+01:00)',
      );
      expect(byTestId('last-tick')?.closest('.freshness')).not.toBeNull();
    });

    it('says when no tick has run yet', async () => {
      create();
      http
        .expectOne(statusRequest)
        .flush(statusResponse([], { lastTickAt: null }));
      await fixture.whenStable();
      expect(text('last-tick')).toBe('no scheduler tick yet');
    });
  });

  describe('empty', () => {
    it('says there are no scheduled pipelines', async () => {
      create();
      http.expectOne(statusRequest).flush(statusResponse([]));
      await settle();
      expect(text('empty')).toBe('No scheduled pipelines');
      expect(text('count-total')).toBe('0 total');
      expect(el.querySelector('[role="grid"]')).toBeNull();
    });
  });

  describe('errors', () => {
    it('on 401 says the session expired and stops auto-refresh', async () => {
      jest.useFakeTimers({ now: Date.parse('2026-03-14T12:00:00Z') });
      create();
      http
        .expectOne(statusRequest)
        .flush(
          { statusCode: 401, error: 'Unauthorized', message: 'Unauthorized' },
          { status: 401, statusText: 'Unauthorized' },
        );
      fixture.detectChanges();

      expect(text('session-expired')).toContain('Your session has expired');
      expect(text('session-expired')).toContain('npm start');
      expect(byTestId('session-expired')?.getAttribute('role')).toBe('alert');
      expect(byTestId('auto-refresh-toggle')?.dataset['autoRefresh']).toBe(
        'off',
      );

      jest.advanceTimersByTime(3 * AUTO_REFRESH_INTERVAL_MS);
      http.expectNone(statusRequest);
    });

    it('shows other failures and keeps retrying', async () => {
      jest.useFakeTimers({ now: Date.parse('2026-03-14T12:00:00Z') });
      create();
      http.expectOne(statusRequest).flush(
        {
          statusCode: 500,
          error: 'Internal Server Error',
          message: 'Internal server error',
        },
        { status: 500, statusText: 'Internal Server Error' },
      );
      fixture.detectChanges();
      expect(text('load-error')).toContain('Internal server error (500)');

      jest.advanceTimersByTime(AUTO_REFRESH_INTERVAL_MS);
      http.expectOne(statusRequest).flush(statusResponse([]));
      fixture.detectChanges();
      expect(byTestId('load-error')).toBeNull();
      expect(text('empty')).toBe('No scheduled pipelines');
    });
  });

  describe('refresh', () => {
    it('auto-refreshes every 30 s, can be paused and resumed, and ticks "updated N s ago"', async () => {
      jest.useFakeTimers({ now: Date.parse('2026-03-14T12:00:00Z') });
      create();
      http.expectOne(statusRequest).flush(statusResponse([]));
      fixture.detectChanges();
      expect(text('updated-ago')).toBe('updated 0 s ago');

      jest.advanceTimersByTime(12_000);
      fixture.detectChanges();
      expect(text('updated-ago')).toBe('updated 12 s ago');

      jest.advanceTimersByTime(AUTO_REFRESH_INTERVAL_MS - 12_000);
      http.expectOne(statusRequest).flush(statusResponse([]));

      byTestId('auto-refresh-toggle')?.click();
      fixture.detectChanges();
      expect(text('auto-refresh-toggle')).toBe('Resume auto-refresh');
      jest.advanceTimersByTime(2 * AUTO_REFRESH_INTERVAL_MS);
      http.expectNone(statusRequest);

      byTestId('auto-refresh-toggle')?.click();
      fixture.detectChanges();
      expect(text('auto-refresh-toggle')).toBe('Pause auto-refresh');
      jest.advanceTimersByTime(1_000);
      http.expectOne(statusRequest).flush(statusResponse([]));
    });

    it('refreshes on demand with the refresh button', async () => {
      create();
      http.expectOne(statusRequest).flush(statusResponse([]));
      await fixture.whenStable();

      const button = byTestId('refresh-button') as HTMLButtonElement;
      expect(button.tagName).toBe('BUTTON');
      expect(button.textContent?.trim()).toBe('Refresh now');
      button.click();
      await fixture.whenStable();
      expect(button.disabled).toBe(true);
      expect(button.textContent?.trim()).toBe('Refreshing…');
      http.expectOne(statusRequest).flush(statusResponse(PIPELINES));
      await settle(PIPELINES.length);
      expect(button.disabled).toBe(false);
      expect(text('count-total')).toBe('4 total');
    });
  });

  describe('quick filter', () => {
    it('narrows the grid to matching rows', async () => {
      create();
      http.expectOne(statusRequest).flush(statusResponse(PIPELINES));
      await settle(PIPELINES.length);

      const input = byTestId('quick-filter') as HTMLInputElement;
      input.value = 'paused';
      input.dispatchEvent(new Event('input'));
      await settle(1);

      const names = Array.from(
        el.querySelectorAll('[data-testid="pipeline-name"]'),
      ).map((n) => n.textContent);
      expect(names).toEqual(['crm-sync']);
      expect(text('count-total')).toBe('4 total');
    });
  });

  describe('large tenant', () => {
    /** Waits until ag-grid's infinite row model has asked the api for a block, and returns that request. */
    async function blockRequest() {
      for (let waited = 0; waited < 5_000; waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        await fixture.whenStable();
        const [request] = http.match(
          (r) => statusRequest(r) && r.params.get('limit') === '100',
        );
        if (request) return request;
      }
      throw new Error('the grid asked for no block');
    }

    it('loads blocks of 100 rows from the api, which sorts and filters, once the tenant outgrows one page', async () => {
      create();
      const first = http.expectOne(statusRequest);
      expect(first.request.params.get('limit')).toBe(
        String(LARGE_TENANT_THRESHOLD),
      );
      const counts = {
        onTime: 900,
        late: 200,
        paused: 100,
        errors: 0,
        total: 1200,
      };
      const page = (rows: SchedulerStatusRow[]) => ({
        ...statusResponse(rows),
        counts,
        matching: 1200,
        nextCursor: 'more',
      });
      first.flush(page(PIPELINES));
      const block = await blockRequest();
      expect(block.request.params.get('offset')).toBeNull();
      expect(block.request.params.get('sort')).toBe('name');
      const rows = Array.from({ length: 100 }, (_, i) =>
        row({ id: `id-${i}`, name: `etl-${String(i).padStart(4, '0')}` }),
      );
      block.flush(page(rows));
      await settle(5);
      expect(text('count-total')).toBe('1200 total');
      expect(text('count-late')).toBe('200 late');
      expect(text('paged-note')).toBe('loaded page by page');
      expect(
        el.querySelector('[data-testid="pipeline-name"]')?.textContent?.trim(),
      ).toBe('etl-0000');

      // The quick filter goes to the api (debounced), which answers the matching rows.
      const input = byTestId('quick-filter') as HTMLInputElement;
      input.value = 'etl-00';
      input.dispatchEvent(new Event('input'));
      const filtered = await blockRequest();
      expect(filtered.request.params.get('q')).toBe('etl-00');
      filtered.flush({ ...page(rows.slice(0, 2)), matching: 2 });
      await settle(2);

      // A refresh asks only for the counts; the grid reloads its blocks.
      (byTestId('refresh-button') as HTMLButtonElement).click();
      const refresh = http.expectOne(
        (r) => statusRequest(r) && r.params.get('limit') === '1',
      );
      refresh.flush(page(rows.slice(0, 1)));
      const reload = await blockRequest();
      expect(reload.request.params.get('q')).toBe('etl-00');
      reload.flush({ ...page(rows.slice(0, 2)), matching: 2 });
      await settle(2);
    });
  });

  it('offers no write controls: the only buttons refresh', async () => {
    create();
    http.expectOne(statusRequest).flush(statusResponse(PIPELINES));
    await settle(PIPELINES.length);
    const buttons = Array.from(el.querySelectorAll('button')).map(
      (b) => b.dataset['testid'],
    );
    expect(buttons).toEqual(['refresh-button', 'auto-refresh-toggle']);
  });
});
