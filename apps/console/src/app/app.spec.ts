import { provideHttpClient } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
} from '@angular/common/http/testing';
import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';

import { App } from './app';
import { appRoutes } from './app.routes';
import { TENANT_URL } from './auth/session';
import { SessionToken } from './auth/session-token';

@Component({ selector: 'flow-scheduler-stub', template: 'scheduler page' })
class SchedulerStub {}

const LAZY_SECTIONS = ['data/scheduler', 'data/pipelines', 'data/lineage'];

const editorToken = `h.${Buffer.from(JSON.stringify({ role: 'editor' })).toString('base64url')}.s`;

describe(App.name, () => {
  function create(token: string | null) {
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: SessionToken, useValue: { read: () => token } },
      ],
    });
    const fixture = TestBed.createComponent(App);
    return {
      fixture,
      el: fixture.nativeElement as HTMLElement,
      http: TestBed.inject(HttpTestingController),
    };
  }

  it('links the three sections in order', async () => {
    const { fixture, el } = create(null);
    await fixture.whenStable();
    const links = Array.from(el.querySelectorAll('nav a'));
    expect(links.map((a) => a.textContent?.trim())).toEqual([
      'Scheduler',
      'Pipelines',
      'Lineage',
    ]);
    expect(links.map((a) => a.getAttribute('href'))).toEqual([
      '/data/scheduler',
      '/data/pipelines',
      '/data/lineage',
    ]);
  });

  it("shows the tenant's name and the role as the api reads them", async () => {
    const { fixture, el, http } = create(editorToken);
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="role"]')?.textContent?.trim()).toBe(
      'editor',
    );
    // The api's answer wins (it reads the configured claim of the verified token).
    http.expectOne(TENANT_URL).flush({
      id: 't',
      slug: 'acme',
      name: 'Acme Corporation',
      timezone: 'Europe/Berlin',
      role: 'admin',
    });
    await fixture.whenStable();
    const tenant = el.querySelector('[data-testid="tenant-name"]');
    expect(tenant?.textContent?.trim()).toBe('Acme Corporation');
    expect(tenant?.getAttribute('title')).toContain('acme');
    expect(el.querySelector('[data-testid="role"]')?.textContent?.trim()).toBe(
      'admin',
    );
  });

  it('defaults the role to viewer and shows no tenant when the api cannot say', async () => {
    const { fixture, el, http } = create(null);
    http
      .expectOne(TENANT_URL)
      .flush({ message: 'no' }, { status: 401, statusText: 'Unauthorized' });
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="tenant-name"]')).toBeNull();
    expect(el.querySelector('[data-testid="role"]')?.textContent?.trim()).toBe(
      'viewer',
    );
  });
});

describe('appRoutes', () => {
  /** The real table with the lazy scheduler swapped for a stub: ag-grid is not what these tests are about. */
  const routes = appRoutes.map((route) =>
    route.path === 'data/scheduler'
      ? { path: 'data/scheduler', component: SchedulerStub }
      : route,
  );

  beforeEach(() =>
    TestBed.configureTestingModule({ providers: [provideRouter(routes)] }),
  );

  it('redirects the root to /data/scheduler', async () => {
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/');
    expect(TestBed.inject(Router).url).toBe('/data/scheduler');
    expect(harness.routeNativeElement?.textContent).toContain('scheduler page');
  });

  it('shows a not-found page for unknown paths', async () => {
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/no/such/page');
    expect(
      harness.routeNativeElement?.querySelector('[data-testid="not-found"]'),
    ).not.toBeNull();
  });

  it.each(LAZY_SECTIONS)('lazy-loads %s', (path) => {
    const section = appRoutes.find((route) => route.path === path);
    expect(section?.loadChildren).toBeDefined();
    expect(section?.component).toBeUndefined();
  });
});
