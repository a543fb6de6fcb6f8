import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';

import type { FlowConfig } from './config';

const SECRET_QUERY_PARAMS =
  /([?&](?:access_token|token|jwt|secret|password)=)[^&]*/gi;

/** Query strings can carry secrets by mistake; never log their values. */
export function redactUrl(url: string | undefined): string {
  return (url ?? '').replace(SECRET_QUERY_PARAMS, '$1[redacted]');
}

/**
 * Structured JSON logs (pino through nestjs-pino): one line per request with its id (the same `x-request-id` that
 * the error filter logs), method, url, status and duration; the tenant id is added by the TenantGuard. Headers are
 * not logged at all, so bearer tokens and the CRON_SECRET never reach the logs.
 */
export function loggingModule(config: FlowConfig) {
  return LoggerModule.forRoot({
    assignResponse: true,
    // Every route, spelled the way path-to-regexp 8 (Nest 11) expects.
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    pinoHttp: {
      level: config.logLevel,
      genReqId: (req: IncomingMessage) => {
        const header = req.headers['x-request-id'];
        return typeof header === 'string' && header ? header : randomUUID();
      },
      customLogLevel: (
        _req: IncomingMessage,
        res: ServerResponse,
        error?: Error,
      ) =>
        error || res.statusCode >= 500
          ? 'error'
          : res.statusCode >= 400
            ? 'warn'
            : 'info',
      // Health probes and scrapes every few seconds would drown the rest.
      autoLogging: {
        ignore: (req: IncomingMessage) =>
          /^\/(api\/v1\/health|metrics)/.test(req.url ?? ''),
      },
      serializers: {
        req: (req: { id?: unknown; method?: string; url?: string }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          '*.authorization',
          '*.cronSecret',
          '*.token',
        ],
        remove: true,
      },
    },
  });
}
