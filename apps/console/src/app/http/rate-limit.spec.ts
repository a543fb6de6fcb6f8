import {
  HttpClient,
  HttpErrorResponse,
  provideHttpClient,
  withInterceptors,
} from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
} from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';

import {
  RateLimitNotice,
  rateLimitInterceptor,
  retryAfterSeconds,
} from './rate-limit';

describe('rateLimitInterceptor', () => {
  let http: HttpClient;
  let controller: HttpTestingController;
  let notice: RateLimitNotice;

  beforeEach(() => {
    jest.useFakeTimers();
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(withInterceptors([rateLimitInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    http = TestBed.inject(HttpClient);
    controller = TestBed.inject(HttpTestingController);
    notice = TestBed.inject(RateLimitNotice);
  });

  afterEach(() => {
    controller.verify();
    jest.useRealTimers();
  });

  const tooMany = (retryAfter: string) => ({
    status: 429,
    statusText: 'Too Many Requests',
    headers: { 'Retry-After': retryAfter },
  });

  it('waits what Retry-After says, shows the notice meanwhile, then retries and succeeds', () => {
    const results: unknown[] = [];
    http.get('/api/v1/lineage').subscribe((body) => results.push(body));
    controller
      .expectOne('/api/v1/lineage')
      .flush({ message: 'Rate limit' }, tooMany('2'));
    expect(notice.active()).toBe(true);
    expect(notice.retryInSeconds()).toBe(2);
    jest.advanceTimersByTime(1_999);
    controller.expectNone('/api/v1/lineage');
    jest.advanceTimersByTime(1);
    expect(notice.active()).toBe(false);
    controller.expectOne('/api/v1/lineage').flush({ nodes: [] });
    expect(results).toEqual([{ nodes: [] }]);
  });

  it('doubles the wait on each further 429 and gives up after three retries with the 429 itself', () => {
    let failure: unknown;
    http.get('/api/v1/pipelines').subscribe({ error: (e) => (failure = e) });
    for (const wait of [1_000, 2_000, 4_000]) {
      controller
        .expectOne('/api/v1/pipelines')
        .flush({ message: 'Rate limit' }, tooMany('1'));
      jest.advanceTimersByTime(wait);
    }
    controller
      .expectOne('/api/v1/pipelines')
      .flush({ message: 'Rate limit' }, tooMany('1'));
    expect(failure).toBeInstanceOf(HttpErrorResponse);
    expect((failure as HttpErrorResponse).status).toBe(429);
    expect(notice.active()).toBe(false);
  });

  it('passes other errors through at once', () => {
    let failure: unknown;
    http.get('/api/v1/pipelines').subscribe({ error: (e) => (failure = e) });
    controller
      .expectOne('/api/v1/pipelines')
      .flush({ message: 'nope' }, { status: 500, statusText: 'Server Error' });
    expect((failure as HttpErrorResponse).status).toBe(500);
    expect(notice.active()).toBe(false);
  });
});

describe(retryAfterSeconds.name, () => {
  it('reads seconds or an HTTP date, and defaults to 5 s', () => {
    expect(retryAfterSeconds('7')).toBe(7);
    expect(retryAfterSeconds('0')).toBe(1);
    expect(
      retryAfterSeconds(
        'Wed, 02 Dec 2026 00:00:10 GMT',
        Date.parse('2026-12-02T00:00:00Z'),
      ),
    ).toBe(10);
    expect(retryAfterSeconds(null)).toBe(5);
    expect(retryAfterSeconds('soon')).toBe(5);
  });
});
