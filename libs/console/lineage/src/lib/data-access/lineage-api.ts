import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { EMPTY, expand, map, type Observable, reduce } from 'rxjs';

import type {
  LineageResponse,
  PipelineListResponse,
  PipelineSummary,
} from '@flow/contracts';

/** At most this many pipeline pages are read for names (100 each): a bound on a loop the data decides. */
const MAX_PIPELINE_PAGES = 100;

/** The lineage graph and the names of the pipelines on its edges. */
@Injectable({ providedIn: 'root' })
export class LineageApi {
  private readonly http = inject(HttpClient);

  lineage(): Observable<LineageResponse> {
    return this.http.get<LineageResponse>('/api/v1/lineage');
  }

  /** Every pipeline's name by id, read page by page from the keyset list. */
  pipelineNames(): Observable<Map<string, string>> {
    const page = (cursor: string | null) =>
      this.http.get<PipelineListResponse>('/api/v1/pipelines', {
        params: new HttpParams({
          fromObject: { limit: 100, ...(cursor ? { cursor } : {}) },
        }),
      });
    let pages = 0;
    return page(null).pipe(
      expand((response) =>
        response.nextCursor && ++pages < MAX_PIPELINE_PAGES
          ? page(response.nextCursor)
          : EMPTY,
      ),
      reduce(
        (all, response) => all.concat(response.items),
        [] as PipelineSummary[],
      ),
      map((items) => new Map(items.map((item) => [item.id, item.name]))),
    );
  }
}
