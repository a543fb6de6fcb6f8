import { provideHttpClient } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
} from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';

import type { PipelineIr, PipelineResponse } from '@flow/contracts';

import { PipelineDetailState } from '../pipeline-detail/pipeline-detail-state';
import { VersionsTab } from './versions-tab';

const ir = (value: string): PipelineIr => ({
  version: 1,
  schedule: null,
  nodes: [
    { id: 'orders', type: 'source', table: 'orders' },
    {
      id: 'paid',
      type: 'filter',
      input: 'orders',
      where: [{ column: 'status', op: '=', value }],
    },
  ],
});

describe(VersionsTab.name, () => {
  it('lists the versions and shows the diff of the newest two', async () => {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        {
          provide: PipelineDetailState,
          useValue: {
            pipeline: signal({ id: 'p1', version: 2 } as PipelineResponse),
          },
        },
      ],
    });
    const fixture = TestBed.createComponent(VersionsTab);
    const http = TestBed.inject(HttpTestingController);
    fixture.detectChanges();
    await fixture.whenStable();
    http
      .expectOne((r) => r.url === '/api/v1/pipelines/p1/versions')
      .flush({
        items: [
          { version: 2, createdAt: '2026-12-01T10:00:00Z', createdBy: 'ann' },
          { version: 1, createdAt: '2026-12-01T09:00:00Z', createdBy: null },
        ],
        nextCursor: null,
      });
    for (const [version, value] of [
      [1, 'paid'],
      [2, 'refunded'],
    ] as const)
      http
        .expectOne(`/api/v1/pipelines/p1/versions/${version}`)
        .flush({ version, createdAt: '', createdBy: null, ir: ir(value) });
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    expect(
      Array.from(el.querySelectorAll('[data-version] th')).map((th) =>
        th.textContent?.trim(),
      ),
    ).toEqual(['v2', 'v1']);
    expect(el.querySelector('h2')?.textContent).toContain('v1 → v2');
    const changed = Array.from(
      el.querySelectorAll('[data-kind="removed"], [data-kind="added"]'),
    ).map((line) => line.textContent?.replace(/\s+/g, ' ').trim());
    expect(changed).toEqual(['- "value": "paid"', '+ "value": "refunded"']);
    http.verify();
  });
});
