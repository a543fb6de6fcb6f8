import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { Observable } from 'rxjs';

import type {
  CreateRunRequest,
  DeadLetterListResponse,
  DeadLetterStatus,
  RunDetailResponse,
  RunResponse,
} from '@flow/contracts';

const API = '/api/v1/pipelines';

/** A pipeline's dead letters (DESIGN §14) and their replay. Auth is added by the app's interceptor. */
@Injectable({ providedIn: 'root' })
export class DeadLettersApi {
  private readonly http = inject(HttpClient);

  /** One keyset page, newest first; `counts` cover every letter of the pipeline whatever `status` filters. */
  list(
    pipelineId: string,
    query: {
      limit: number;
      status?: DeadLetterStatus | null;
      cursor?: string | null;
    },
  ): Observable<DeadLetterListResponse> {
    let params = new HttpParams().set('limit', query.limit);
    if (query.status) params = params.set('status', query.status);
    if (query.cursor) params = params.set('cursor', query.cursor);
    return this.http.get<DeadLetterListResponse>(
      `${API}/${encodeURIComponent(pipelineId)}/dead-letters`,
      { params },
    );
  }

  /** Queues a replay of the open letters (the given ones, or all): 202 with the run, 409 nothing open, 400 no key. */
  replay(
    pipelineId: string,
    deadLetterIds: readonly string[] | null,
  ): Observable<RunResponse> {
    const body: CreateRunRequest = deadLetterIds
      ? { replayDlqOnly: true, deadLetterIds: [...deadLetterIds] }
      : { replayDlqOnly: true };
    return this.http.post<RunResponse>(
      `${API}/${encodeURIComponent(pipelineId)}/runs`,
      body,
    );
  }

  run(pipelineId: string, runId: string): Observable<RunDetailResponse> {
    return this.http.get<RunDetailResponse>(
      `${API}/${encodeURIComponent(pipelineId)}/runs/${encodeURIComponent(runId)}`,
    );
  }
}
