import type { OpenApi } from '@flow/contracts';

/**
 * Wire types the e2e helpers take from the client openapi-typescript generated from the api's OpenAPI document
 * (libs/contracts/src/generated/openapi.ts, `npm run contract`) — what any client of the api would use.
 */
type Operations = OpenApi.paths;

/** The JSON request body of `method path`. */
export type RequestBody<
  P extends keyof Operations,
  M extends 'post' | 'put' | 'patch',
> = Operations[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

/** The JSON body of `method path` answering `status`. */
export type ResponseBody<
  P extends keyof Operations,
  M extends 'get' | 'post' | 'put' | 'patch' | 'delete',
  S extends number,
> = Operations[P][M] extends {
  responses: { [K in S]: { content: { 'application/json': infer B } } };
}
  ? B
  : never;

export type CreatePipelineBody = RequestBody<'/api/v1/pipelines', 'post'>;
export type CreatedPipeline = ResponseBody<'/api/v1/pipelines', 'post', 201>;
export type ApiError = OpenApi.ErrorResponse;
export type TenantBody = ResponseBody<'/api/v1/tenant', 'get', 200>;
