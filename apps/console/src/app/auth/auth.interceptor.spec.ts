import {
  HttpClient,
  provideHttpClient,
  withInterceptors,
} from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
} from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';

import { authInterceptor, isApiRequest } from './auth.interceptor';
import { SessionToken } from './session-token';

describe('authInterceptor', () => {
  let http: HttpClient;
  let controller: HttpTestingController;
  let token: string | null;

  beforeEach(() => {
    token = 'jwt-123';
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
        { provide: SessionToken, useValue: { read: () => token } },
      ],
    });
    http = TestBed.inject(HttpClient);
    controller = TestBed.inject(HttpTestingController);
  });

  afterEach(() => controller.verify());

  it('adds the bearer token to /api/ requests', () => {
    http.get('/api/v1/scheduler-status').subscribe();
    const request = controller.expectOne('/api/v1/scheduler-status');
    expect(request.request.headers.get('Authorization')).toBe('Bearer jwt-123');
    request.flush({});
  });

  it.each([
    '/assets/config.json',
    '/apiary/x',
    'https://example.com/api/v1/scheduler-status',
  ])('does not send the token to %s', (url) => {
    http.get(url).subscribe();
    const request = controller.expectOne(url);
    expect(request.request.headers.has('Authorization')).toBe(false);
    request.flush({});
  });

  it('sends no Authorization header when there is no token (a proxy may add one)', () => {
    token = null;
    http.get('/api/v1/scheduler-status').subscribe();
    const request = controller.expectOne('/api/v1/scheduler-status');
    expect(request.request.headers.has('Authorization')).toBe(false);
    request.flush({});
  });

  it('keeps an Authorization header the caller set', () => {
    http
      .get('/api/v1/x', { headers: { Authorization: 'Basic abc' } })
      .subscribe();
    const request = controller.expectOne('/api/v1/x');
    expect(request.request.headers.get('Authorization')).toBe('Basic abc');
    request.flush({});
  });
});

describe(isApiRequest.name, () => {
  const base = 'http://localhost:3000/';
  it.each([
    ['/api/v1/scheduler-status', true],
    ['api/v1/scheduler-status', true],
    ['http://localhost:3000/api/v1/x', true],
    ['http://localhost:4000/api/v1/x', false],
    ['//evil.example/api/v1/x', false],
    ['/apiv1', false],
    ['/metrics', false],
  ])('%s → %s', (url, expected) => {
    expect(isApiRequest(url, base)).toBe(expected);
  });
});
