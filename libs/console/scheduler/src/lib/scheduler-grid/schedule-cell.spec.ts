import { TestBed } from '@angular/core/testing';

import type { SchedulerStatusRow } from '@flow/contracts';

import type { SchedulerCellParams } from './row-cell-renderer';
import { ScheduleCell } from './schedule-cell';

describe(ScheduleCell.name, () => {
  it('shows the description, and on hover the whole description, the raw expression and the zone', () => {
    const fixture = TestBed.createComponent(ScheduleCell);
    const row = {
      schedule: {
        type: 'cron',
        text: '0 9 * * 1,4',
        timezone: 'Europe/Berlin',
        description: 'at 09:00 on Monday and Thursday (Europe/Berlin)',
      },
    } as SchedulerStatusRow;
    fixture.componentInstance.agInit({
      data: row,
      context: null,
    } as unknown as SchedulerCellParams);
    fixture.detectChanges();
    const description: HTMLElement = fixture.nativeElement.querySelector(
      '[data-testid="schedule"]',
    );
    expect(description.textContent?.trim()).toBe(
      'at 09:00 on Monday and Thursday (Europe/Berlin)',
    );
    expect(description.getAttribute('title')).toBe(
      'at 09:00 on Monday and Thursday (Europe/Berlin)\ncron: 0 9 * * 1,4\nTime zone: Europe/Berlin',
    );
  });
});
