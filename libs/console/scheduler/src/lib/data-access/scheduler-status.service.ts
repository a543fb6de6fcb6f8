import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

import type {
  SchedulerStatusPage,
  SchedulerStatusResponse,
  SchedulerStatusSort,
} from '@flow/contracts';

/** Same origin: the api serves the built console, so the path is relative. */
export const SCHEDULER_STATUS_URL = '/api/v1/scheduler-status';

/** One page request: `offset` lets the grid jump to any block; `q` is the quick filter, applied by the api. */
export interface StatusPageRequest {
  limit: number;
  offset?: number;
  sort?: SchedulerStatusSort;
  order?: 'asc' | 'desc';
  q?: string;
}

/** Reads the scheduler status of the caller's tenant (DESIGN §8). Read-only. */
@Injectable({ providedIn: 'root' })
export class SchedulerStatusService {
  private readonly http = inject(HttpClient);

  /** Every scheduled pipeline with its lag and next fires; auth is added by the app's interceptor. */
  fetchStatus(): Observable<SchedulerStatusResponse> {
    return this.http.get<SchedulerStatusResponse>(SCHEDULER_STATUS_URL);
  }

  /**
   * A page of the status in the api's order, with the tenant's counts. The browser revalidates with the ETag the
   * api sends (`Cache-Control: no-cache`), so an unchanged minute costs a 304.
   */
  fetchPage(request: StatusPageRequest): Observable<SchedulerStatusPage> {
    let params = new HttpParams().set('limit', request.limit);
    if (request.offset) params = params.set('offset', request.offset);
    if (request.sort) params = params.set('sort', request.sort);
    if (request.order) params = params.set('order', request.order);
    if (request.q) params = params.set('q', request.q);
    return this.http.get<SchedulerStatusPage>(SCHEDULER_STATUS_URL, {
      params,
    });
  }
}
