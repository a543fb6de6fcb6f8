import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { Observable } from 'rxjs';

import type {
  NodeMetricsResponse,
  PipelineListResponse,
  PipelineResponse,
  PipelineVersionListResponse,
  PipelineVersionResponse,
  RunDetailResponse,
  RunListResponse,
  SqlPreviewResponse,
} from '@flow/contracts';

const API = '/api/v1/pipelines';

/** How many runs the trend chart shows. */
export const TREND_RUNS = 30;

/** The pipelines resource of DESIGN §8, its runs and IR versions. Auth is added by the app's interceptor. */
@Injectable({ providedIn: 'root' })
export class PipelinesApi {
  private readonly http = inject(HttpClient);

  /** One keyset page, ordered by name; `name` narrows to names containing it (case-insensitive). */
  listPage(query: {
    limit: number;
    cursor?: string | null;
    name?: string;
  }): Observable<PipelineListResponse> {
    let params = new HttpParams().set('limit', query.limit);
    if (query.cursor) params = params.set('cursor', query.cursor);
    if (query.name) params = params.set('name', query.name);
    return this.http.get<PipelineListResponse>(API, { params });
  }

  get(id: string): Observable<PipelineResponse> {
    return this.http.get<PipelineResponse>(`${API}/${encodeURIComponent(id)}`);
  }

  runs(
    id: string,
    query: { limit: number; cursor?: string | null },
  ): Observable<RunListResponse> {
    let params = new HttpParams().set('limit', query.limit);
    if (query.cursor) params = params.set('cursor', query.cursor);
    return this.http.get<RunListResponse>(
      `${API}/${encodeURIComponent(id)}/runs`,
      { params },
    );
  }

  run(id: string, runId: string): Observable<RunDetailResponse> {
    return this.http.get<RunDetailResponse>(
      `${API}/${encodeURIComponent(id)}/runs/${encodeURIComponent(runId)}`,
    );
  }

  /** The node's figures over the last `limit` runs, oldest → newest. */
  nodeMetrics(
    id: string,
    node: string,
    limit = TREND_RUNS,
  ): Observable<NodeMetricsResponse> {
    return this.http.get<NodeMetricsResponse>(
      `${API}/${encodeURIComponent(id)}/node-metrics`,
      { params: new HttpParams().set('node', node).set('limit', limit) },
    );
  }

  /** The IR's versions, newest first. */
  versions(
    id: string,
    query: { limit: number; cursor?: string | null },
  ): Observable<PipelineVersionListResponse> {
    let params = new HttpParams().set('limit', query.limit);
    if (query.cursor) params = params.set('cursor', query.cursor);
    return this.http.get<PipelineVersionListResponse>(
      `${API}/${encodeURIComponent(id)}/versions`,
      { params },
    );
  }

  version(id: string, version: number): Observable<PipelineVersionResponse> {
    return this.http.get<PipelineVersionResponse>(
      `${API}/${encodeURIComponent(id)}/versions/${version}`,
    );
  }

  sqlPreview(id: string): Observable<SqlPreviewResponse> {
    return this.http.get<SqlPreviewResponse>(
      `${API}/${encodeURIComponent(id)}/sql-preview`,
    );
  }
}
