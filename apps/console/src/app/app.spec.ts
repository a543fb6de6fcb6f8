import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';

import { App } from './app';
import { appRoutes } from './app.routes';

@Component({ selector: 'flow-scheduler-stub', template: 'scheduler page' })
class SchedulerStub {}

describe(App.name, () => {
  it('renders the shell with a link to the scheduler', async () => {
    TestBed.configureTestingModule({ providers: [provideRouter([])] });
    const fixture = TestBed.createComponent(App);
    await fixture.whenStable();
    const link = (fixture.nativeElement as HTMLElement).querySelector('nav a');
    expect(link?.textContent).toBe('Scheduler');
    expect(link?.getAttribute('href')).toBe('/data/scheduler');
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

  it('lazy-loads the scheduler feature', () => {
    const scheduler = appRoutes.find(
      (route) => route.path === 'data/scheduler',
    );
    expect(scheduler?.loadChildren).toBeDefined();
    expect(scheduler?.component).toBeUndefined();
  });
});
