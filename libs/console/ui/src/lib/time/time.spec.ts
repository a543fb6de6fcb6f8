import { TestBed } from '@angular/core/testing';

import { TimeComponent } from './time';

describe(TimeComponent.name, () => {
  async function render(inputs: Record<string, unknown>) {
    const fixture = TestBed.createComponent(TimeComponent);
    for (const [name, value] of Object.entries({
      zone: 'Europe/Berlin',
      now: Date.parse('2026-03-14T12:00:00Z'),
      ...inputs,
    }))
      fixture.componentRef.setInput(name, value);
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  it('shows a date with its year when it is not this year, the full instant on hover', async () => {
    const el = await render({ at: '2025-11-02T08:00:00Z' });
    const time = el.querySelector('time');
    expect(time?.textContent).toBe('2 Nov 2025 09:00');
    expect(time?.getAttribute('datetime')).toBe('2025-11-02T08:00:00Z');
    expect(time?.title).toBe('Sun 2 Nov 2025, 09:00 Europe/Berlin (UTC+01:00)');
  });

  it('shows relative times', async () => {
    const el = await render({ at: '2026-03-14T11:57:00Z', mode: 'relative' });
    expect(el.querySelector('time')?.textContent).toBe('3 min ago');
  });

  it('shows the empty text without an instant', async () => {
    const el = await render({ at: null, emptyText: 'never' });
    expect(el.textContent?.trim()).toBe('never');
  });
});
