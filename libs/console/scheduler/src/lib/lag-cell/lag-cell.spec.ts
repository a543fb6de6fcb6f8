import { TestBed } from '@angular/core/testing';

import type { LagLevel } from '@flow/contracts';

import { LagCellComponent } from './lag-cell';

describe(LagCellComponent.name, () => {
  async function render(
    lagMinutes: number | null,
    lagLevel: LagLevel,
    error?: string,
  ): Promise<HTMLElement> {
    const fixture = TestBed.createComponent(LagCellComponent);
    fixture.componentRef.setInput('lagMinutes', lagMinutes);
    fixture.componentRef.setInput('lagLevel', lagLevel);
    fixture.componentRef.setInput('error', error);
    await fixture.whenStable();
    return fixture.nativeElement.querySelector(
      '[data-testid="lag"]',
    ) as HTMLElement;
  }

  const visibleText = (el: HTMLElement) =>
    Array.from(el.childNodes)
      .filter(
        (n) =>
          n.nodeType === Node.TEXT_NODE ||
          (n instanceof HTMLElement &&
            !n.classList.contains('visually-hidden')),
      )
      .map((n) => n.textContent)
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim();

  describe('green', () => {
    it('shows the lag on a green background and says "on time" to screen readers', async () => {
      const cell = await render(2, 'green');
      expect(cell.dataset['lagLevel']).toBe('green');
      expect(cell.classList).toContain('lag--green');
      expect(visibleText(cell)).toBe('2 min');
      expect(cell.textContent).toContain('on time');
    });

    it('shows a zero lag as "0 min"', async () => {
      expect(visibleText(await render(0, 'green'))).toBe('0 min');
    });
  });

  describe('amber', () => {
    it('shows the lag in amber with the word "late"', async () => {
      const cell = await render(7, 'amber');
      expect(cell.dataset['lagLevel']).toBe('amber');
      expect(cell.classList).toContain('lag--amber');
      expect(visibleText(cell)).toBe('7 min late');
    });

    it.each([
      [190, '3 h 10 min late'],
      [3120, '2 d 4 h late'],
    ])('formats %d minutes into hours and days', async (minutes, text) => {
      expect(visibleText(await render(minutes, 'amber'))).toBe(text);
    });
  });

  describe('none', () => {
    it('shows a dash, whatever the minutes', async () => {
      const cell = await render(null, 'none');
      expect(cell.dataset['lagLevel']).toBe('none');
      expect(visibleText(cell)).toBe('—');
      expect(cell.title).toContain('paused');
    });
  });

  describe('error', () => {
    it('shows the schedule error with its reason', async () => {
      const cell = await render(null, 'none', 'unknown time zone "Mars/Base"');
      expect(
        cell.querySelector('[data-testid="lag-error"]')?.textContent,
      ).toContain('Schedule error');
      expect(cell.textContent).toContain('unknown time zone "Mars/Base"');
      expect(cell.title).toContain('cannot be evaluated');
      expect(cell.classList).toContain('lag--error');
    });
  });
});
