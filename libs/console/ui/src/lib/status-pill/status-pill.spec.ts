import { ComponentRef } from '@angular/core';
import { TestBed } from '@angular/core/testing';

import {
  PillStatus,
  StatusPillComponent,
  lastRunPillStatus,
} from './status-pill';

describe(StatusPillComponent.name, () => {
  async function render(status: PillStatus): Promise<HTMLElement> {
    const fixture = TestBed.createComponent(StatusPillComponent);
    (fixture.componentRef as ComponentRef<StatusPillComponent>).setInput(
      'status',
      status,
    );
    await fixture.whenStable();
    return fixture.nativeElement.querySelector(
      '[data-testid="status-pill"]',
    ) as HTMLElement;
  }

  it.each<[PillStatus, string]>([
    ['succeeded', 'succeeded'],
    ['failed', 'failed'],
    ['running', 'running'],
    ['queued', 'queued'],
    ['skipped', 'skipped'],
    ['never', 'never run'],
    ['paused', 'paused'],
  ])('shows %s as the text "%s", not colour alone', async (status, text) => {
    const pill = await render(status);
    expect(pill.textContent?.replace(/[^a-z ]/g, '').trim()).toBe(text);
    expect(pill.dataset['status']).toBe(status);
    expect(pill.classList).toContain(`pill--${status}`);
  });

  it('hides the glyph from assistive technology', async () => {
    const pill = await render('failed');
    expect(pill.querySelector('.glyph')?.getAttribute('aria-hidden')).toBe(
      'true',
    );
  });

  it('updates when the input changes', async () => {
    const fixture = TestBed.createComponent(StatusPillComponent);
    fixture.componentRef.setInput('status', 'queued');
    await fixture.whenStable();
    fixture.componentRef.setInput('status', 'running');
    await fixture.whenStable();
    expect(fixture.nativeElement.textContent).toContain('running');
  });
});

describe(lastRunPillStatus.name, () => {
  it('maps a missing status to never run', () => {
    expect(lastRunPillStatus(null)).toBe('never');
    expect(lastRunPillStatus('failed')).toBe('failed');
  });
});
