import { randomUUID } from 'node:crypto';

import type { LogLevel as NestLogLevel, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  FastifyAdapter,
  type NestFastifyApplication,
} from '@nestjs/platform-fastify';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { RawServerDefault } from 'fastify';
import { Logger as PinoNestLogger } from 'nestjs-pino';

import {
  AllExceptionsFilter,
  type NotFoundFallback,
} from './all-exceptions.filter';
import type { FlowConfig } from './config';
import { buildOpenApiDocument, type OpenApiBuild } from './openapi';
import { RateLimiter, sendTooManyRequests } from './rate-limit';
import { registerSecurityHeaders } from './security-headers';

export const API_PREFIX = 'api/v1';
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** A route as Fastify registered it (HEAD twins of GET routes left out). */
export interface RegisteredRoute {
  method: string;
  url: string;
}

const appRoutes = new WeakMap<object, RegisteredRoute[]>();
const appDocuments = new WeakMap<object, OpenApiBuild>();

/** Every route the app registered on Fastify (the contract spec checks each one is in the OpenAPI document). */
export function registeredRoutes(
  app: NestFastifyApplication,
): RegisteredRoute[] {
  return appRoutes.get(app) ?? [];
}

/** The OpenAPI document the app serves at `/api/docs-json`, with the declaration behind each operation. */
export function openApiOf(
  app: NestFastifyApplication,
): OpenApiBuild | undefined {
  return appDocuments.get(app);
}

export interface HttpAppOptions {
  logger?: false | NestLogLevel[];
  /** Runs before init (e.g. to register static files); may return a handler for 404s (the SPA fallback). */
  configure?: (app: NestFastifyApplication) => NotFoundFallback | undefined;
  openApi?: boolean;
}

/**
 * JSON is the only body format. A request whose body is empty has no body, whatever its Content-Type says (cron
 * callers POST the tick with `Content-Type: application/json` and nothing else): the route sees `undefined`, and a
 * route that needs a body answers 400 naming it. Fastify's own JSON parser rejects an empty body; it still parses
 * every non-empty one (prototype-poisoning keys are errors).
 */
function acceptEmptyJsonBodies(
  app: NestFastifyApplication,
  bodyLimit: number,
): void {
  const json = app
    .getHttpAdapter()
    .getInstance()
    .getDefaultJsonParser('error', 'error');
  app.useBodyParser<RawServerDefault>(
    'application/json',
    { bodyLimit },
    (request, body, done) => {
      if (body.length === 0) done(null, undefined);
      else json(request, body.toString(), done);
    },
  );
}

/** Api routes whose callers authenticate; health and the cron tick are never limited. */
const LIMITED_PATHS = /^\/api\/v1\//;
const NEVER_LIMITED = /^\/api\/v1\/(health|cron)(\/|$|\?)/;

/**
 * The budget before the guard, keyed by client address: every api request that fails authentication (401, 403)
 * spends one token of its address's `unauthenticated` bucket; while the bucket is empty the address's api requests
 * are answered 429 here, before the guard verifies a token or looks a tenant up. Authenticated requests are limited
 * per tenant after the guard (TenantRateLimitGuard).
 */
function limitUnauthenticated(app: NestFastifyApplication): void {
  const limiter = app.get(RateLimiter, { strict: false });
  if (!limiter.enabled) return;
  const fastify = app.getHttpAdapter().getInstance();
  const limited = (url: string) =>
    LIMITED_PATHS.test(url) && !NEVER_LIMITED.test(url);
  fastify.addHook('onRequest', async (request, reply) => {
    if (!limited(request.url)) return;
    const verdict = limiter.check('unauthenticated', request.ip);
    if (!verdict.allowed)
      return sendTooManyRequests(
        reply,
        limiter.tooManyRequests(
          'unauthenticated',
          verdict.retryAfterSeconds,
          'client address',
        ),
        verdict.retryAfterSeconds,
      );
  });
  fastify.addHook('onResponse', async (request, reply) => {
    if (
      (reply.statusCode === 401 || reply.statusCode === 403) &&
      limited(request.url)
    )
      limiter.spend('unauthenticated', request.ip);
  });
}

/**
 * The HTTP application as production and the integration tests both build it: Fastify (several times Express's
 * throughput here), `/api/v1` prefix (`/metrics` stays at the root), the body limit, request ids, security headers
 * on every response (security-headers.ts), the one exception filter, and OpenAPI at `/api/docs`.
 */
export async function createHttpApp(
  rootModule: Type<unknown> | ReturnType<() => unknown>,
  config: FlowConfig,
  options: HttpAppOptions = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    trustProxy: true,
    // Keep a caller's request id (for correlation across a proxy) when it is well-formed; otherwise mint one and
    // put it in the header, where the request logger reads it — one id in the log line, the error log and the reply.
    genReqId: (request: {
      headers: Record<string, string | string[] | undefined>;
    }) => {
      const header = request.headers['x-request-id'];
      if (typeof header === 'string' && REQUEST_ID.test(header)) return header;
      const id = randomUUID();
      request.headers['x-request-id'] = id;
      return id;
    },
  });
  const structuredLogs = options.logger === undefined;
  const app = await NestFactory.create<NestFastifyApplication>(
    rootModule as Type<unknown>,
    adapter,
    {
      logger: options.logger ?? ['error', 'warn', 'log'],
      bufferLogs: structuredLogs,
    },
  );
  const routes: RegisteredRoute[] = [];
  appRoutes.set(app, routes);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method)
        ? route.method
        : [route.method];
      for (const method of methods)
        if (method !== 'HEAD')
          routes.push({ method, url: route.url ?? route.path });
    });
  // The root module imports `loggingModule(config)` when structured logs are wanted (production).
  if (structuredLogs) app.useLogger(app.get(PinoNestLogger));
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (request, reply) => {
      reply.header('x-request-id', request.id);
    });
  await registerSecurityHeaders(app, config);
  limitUnauthenticated(app);
  acceptEmptyJsonBodies(app, config.bodyLimitBytes);
  app.setGlobalPrefix(API_PREFIX, { exclude: ['metrics'] });
  app.useGlobalFilters(new AllExceptionsFilter(options.configure?.(app)));
  app.enableShutdownHooks();
  if (options.openApi !== false) {
    const build = buildOpenApiDocument(app);
    appDocuments.set(app, build);
    SwaggerModule.setup(
      'api/docs',
      app,
      build.document as unknown as OpenAPIObject,
    );
  }
  await app.init();
  return app;
}
