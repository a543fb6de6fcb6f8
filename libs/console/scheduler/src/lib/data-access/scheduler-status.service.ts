import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';

import type { SchedulerStatusResponse } from '@flow/contracts';

/** Same origin: the api serves the built console, so the path is relative. */
export const SCHEDULER_STATUS_URL = '/api/v1/scheduler-status';

/** Reads the scheduler status of the caller's tenant (DESIGN §8). Read-only. */
@Injectable({ providedIn: 'root' })
export class SchedulerStatusService {
  private readonly http = inject(HttpClient);

  /** Every scheduled pipeline with its lag and next fires; auth is added by the app's interceptor. */
  fetchStatus(): Observable<SchedulerStatusResponse> {
    return this.http.get<SchedulerStatusResponse>(SCHEDULER_STATUS_URL);
  }
}
