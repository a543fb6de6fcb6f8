import { applyDecorators, HttpCode } from '@nestjs/common';
import { RouteSchema } from '@nestjs/platform-fastify';
import { ApiExtension, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { TObject, TSchema } from '@sinclair/typebox';

/**
 * How a route authenticates, as the OpenAPI document states it. The tenant guard decides from its own metadata
 * (`@Public()`, `@CronSecret()`, default tenant); apps/api's contract spec fails when the two disagree.
 */
export type EndpointSecurity = 'tenant' | 'cron-secret' | 'public';

/** The 4xx/5xx answers a route can declare (each documented with the `ErrorResponse` body). */
export type ErrorStatus =
  | 400
  | 401
  | 403
  | 404
  | 409
  | 412
  | 413
  | 415
  | 422
  | 429
  | 503;

export type SuccessStatus = 200 | 201 | 202 | 204 | 304;

/**
 * One route's contract, declared next to the handler with `@Endpoint({...})`. The OpenAPI document's entry
 * (parameters, request body, every response with its schema and example, security) is derived from it; the
 * schemas are the TypeBox ones of `@flow/contracts`. Request bodies are still validated by the services' own
 * validators (their messages keep JSON paths such as `ir.nodes[2].where[0].op`); the schemas here document them.
 */
export interface EndpointDeclaration {
  summary: string;
  description?: string;
  security: EndpointSecurity;
  /** Overrides the controller's `@ApiTags`. */
  tags?: string[];
  /** Path parameters as a `Type.Object` (each property one `:param`; descriptions become the parameter's). */
  params?: TObject;
  /** Query-string parameters as a `Type.Object` (required ones in its `required`). */
  query?: TObject;
  /** The JSON request body's schema. */
  body?: TSchema;
  /** Whether the body may be omitted (an empty body is no body, see http-app). Default: required. */
  bodyOptional?: boolean;
  /** The success status (default 200); applied with Nest's `@HttpCode`, so the document cannot disagree. */
  status?: SuccessStatus;
  /** The success body's schema; `null` for no body (204). */
  response: TSchema | null;
  /** Success response's words (default: "OK"). */
  responseDescription?: string;
  /** Media type of the success body (default `application/json`). */
  contentType?: string;
  /** Response headers of the success answer, name → description. */
  responseHeaders?: Record<string, string>;
  /** Other non-error answers without a body, status → words (e.g. `304: 'Not modified since the ETag'`). */
  otherResponses?: Partial<Record<number, string>>;
  /**
   * Every error this route answers beyond the automatic ones, with what causes it. Automatic: 401/403 for
   * `tenant` (a write's 403 names the role it needs), 401 for `cron-secret`, 400/413/415 for a body, 400 for query parameters, 503 (database unavailable)
   * for authenticated routes. A text given here replaces the automatic one.
   */
  errors?: Partial<Record<ErrorStatus, string>>;
  /** Serialise the success body from `response` with fast-json-stringify (Fastify's route schema). */
  serialize?: boolean;
}

export interface RegisteredEndpoint {
  /** `Controller.method` */
  id: string;
  controller: object;
  handler: (...args: unknown[]) => unknown;
  declaration: EndpointDeclaration;
}

/** The OpenAPI extension that carries a route's declaration id into the generated document (removed there). */
export const ENDPOINT_EXTENSION = 'x-flow-endpoint';

const registry = new Map<string, RegisteredEndpoint>();

/** Every `@Endpoint` the loaded controllers declared (the contract spec cross-checks them with the guard). */
export function registeredEndpoints(): ReadonlyMap<string, RegisteredEndpoint> {
  return registry;
}

/**
 * Declares a route's wire contract (see `EndpointDeclaration`). Put it on every controller method:
 *
 * ```ts
 * @Get(':id')
 * @Endpoint({
 *   summary: 'One pipeline',
 *   security: 'tenant',
 *   params: PipelineIdParams,
 *   response: PipelineResponseSchema,
 *   errors: { 404: 'No pipeline with this id in the caller’s tenant.' },
 * })
 * ```
 */
export function Endpoint(declaration: EndpointDeclaration): MethodDecorator {
  return (target, key, descriptor) => {
    const controller = target.constructor;
    const id = `${controller.name}.${String(key)}`;
    registry.set(id, {
      id,
      controller,
      handler: descriptor.value as unknown as (...args: unknown[]) => unknown,
      declaration,
    });
    const status = declaration.status ?? 200;
    const decorators: MethodDecorator[] = [
      HttpCode(status),
      ApiOperation({
        summary: declaration.summary,
        ...(declaration.description
          ? { description: declaration.description }
          : {}),
      }),
      ApiExtension(ENDPOINT_EXTENSION, { id }),
    ];
    if (declaration.tags) decorators.push(ApiTags(...declaration.tags));
    if (declaration.serialize && declaration.response) {
      decorators.push(
        RouteSchema({ response: { [status]: declaration.response } }),
      );
    }
    applyDecorators(...decorators)(target, key, descriptor);
  };
}

/** The declaration registered under `Controller.method`. */
export function declarationOf(id: string): EndpointDeclaration | undefined {
  return registry.get(id)?.declaration;
}
