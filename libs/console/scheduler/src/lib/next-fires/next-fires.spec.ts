import { TestBed } from '@angular/core/testing';

import { NextFiresComponent } from './next-fires';

describe(NextFiresComponent.name, () => {
  async function render(
    inputs: Partial<Record<keyof NextFiresComponent, unknown>>,
  ): Promise<HTMLElement> {
    const fixture = TestBed.createComponent(NextFiresComponent);
    const all = {
      fires: [],
      scheduleZone: 'UTC',
      viewerZone: 'UTC',
      now: Date.parse('2026-03-05T12:00:00Z'),
      ...inputs,
    };
    for (const [name, value] of Object.entries(all)) {
      fixture.componentRef.setInput(name, value);
    }
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  const times = (el: HTMLElement) =>
    Array.from(el.querySelectorAll<HTMLElement>('[data-testid="next-fire"]'));

  it("shows fires compactly in the viewer's zone with the schedule's zone on hover", async () => {
    const el = await render({
      fires: ['2026-03-06T08:00:00Z', '2026-03-09T08:00:00Z'],
      scheduleZone: 'Europe/Berlin',
      viewerZone: 'America/New_York',
    });
    const [first, second] = times(el);
    expect(first.textContent?.trim()).toBe('Fri 03:00');
    expect(first.getAttribute('datetime')).toBe('2026-03-06T08:00:00Z');
    expect(first.title).toContain('09:00 Europe/Berlin (UTC+01:00)');
    expect(first.title).toContain(
      'Your time: Fri 6 Mar 2026, 03:00 America/New_York',
    );
    expect(second.textContent?.trim()).toBe('Mon 04:00');
  });

  it("marks fires on the schedule zone's DST change days (America/New_York spring forward)", async () => {
    const el = await render({
      fires: [
        '2026-03-07T14:00:00Z',
        '2026-03-08T13:00:00Z',
        '2026-03-09T13:00:00Z',
      ],
      scheduleZone: 'America/New_York',
      viewerZone: 'Europe/Berlin',
    });
    const marks = el.querySelectorAll<HTMLElement>('[data-testid="dst-mark"]');
    expect(marks).toHaveLength(1);
    expect(
      marks[0]
        .closest('.fire')
        ?.querySelector('time')
        ?.getAttribute('datetime'),
    ).toBe('2026-03-08T13:00:00Z');
    expect(marks[0].textContent).toBe('DST');
    expect(marks[0].title).toContain('spring forward');
  });

  it("ignores the viewer's DST days: only the schedule's zone counts", async () => {
    const el = await render({
      fires: ['2026-03-29T07:00:00Z'],
      scheduleZone: 'America/New_York',
      viewerZone: 'Europe/Berlin',
    });
    expect(el.querySelector('[data-testid="dst-mark"]')).toBeNull();
  });

  it('marks Europe/Berlin fall-back fires', async () => {
    const el = await render({
      fires: ['2026-10-24T07:00:00Z', '2026-10-25T08:00:00Z'],
      scheduleZone: 'Europe/Berlin',
      viewerZone: 'Europe/Berlin',
      now: Date.parse('2026-10-23T12:00:00Z'),
    });
    const marks = el.querySelectorAll<HTMLElement>('[data-testid="dst-mark"]');
    expect(marks).toHaveLength(1);
    expect(marks[0].title).toContain('fall back');
    expect(times(el).map((t) => t.textContent?.trim())).toEqual([
      'Sat 09:00',
      'Sun 09:00',
    ]);
  });

  it('dims the fires of a paused pipeline and says why', async () => {
    const el = await render({ fires: ['2026-03-06T08:00:00Z'], paused: true });
    const fires = el.querySelector<HTMLElement>('[data-testid="next-fires"]');
    expect(fires?.classList).toContain('paused');
    expect(fires?.title).toContain('Paused');
  });

  it('shows a dash when there are no upcoming fires', async () => {
    const el = await render({ fires: [] });
    expect(el.textContent?.trim()).toBe('—');
  });

  it('shows the schedule error instead of fires', async () => {
    const el = await render({ fires: [], error: 'invalid cron expression' });
    expect(
      el.querySelector('[data-testid="schedule-error"]')?.textContent,
    ).toContain('invalid cron expression');
    expect(el.querySelector('[data-testid="next-fires"]')).toBeNull();
  });
});
