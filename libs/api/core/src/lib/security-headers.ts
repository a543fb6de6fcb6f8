import { randomBytes } from 'node:crypto';

import helmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import type { FlowConfig } from './config';

/** OpenAPI UI (swagger-ui): its HTML carries `<style>` blocks and React sets style attributes. */
const DOCS_PATH = /^\/api\/docs(\/|$|\?)/;

type Directives = Record<string, string[]>;

/**
 * The policy of every response that is not an HTML page of the console or the docs (JSON, scripts, styles): the
 * strictest that still lets a browser load the console's own files.
 */
function baseDirectives(config: FlowConfig): Directives {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'"],
    'worker-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    ...(config.servedOverTls ? { 'upgrade-insecure-requests': [] } : {}),
  };
}

function serialize(directives: Directives): string {
  return Object.entries(directives)
    .map(([name, values]) => [name, ...values].join(' '))
    .join('; ');
}

/** A fresh nonce for one console page (128 bits, base64: the CSP `nonce-source` grammar). */
export function cspNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The console's page policy. Scripts: only the console's own files — no inline script, no `eval`. Styles: the
 * console's own stylesheet plus the `<style>` elements Angular (and ag-grid/ag-charts through `styleNonce`) insert
 * at run time, each carrying this response's nonce (`ngCspNonce` on the root element). `style-src-attr` stays
 * closed: style attributes from markup are refused; styles set through the CSSOM (`[style.x]` bindings,
 * `element.style`) are not governed by CSP and keep working.
 */
export function consoleContentSecurityPolicy(
  config: FlowConfig,
  nonce: string,
): string {
  const directives = baseDirectives(config);
  return serialize({
    ...directives,
    'style-src': ["'self'", `'nonce-${nonce}'`],
  });
}

/** `/api/docs` (swagger-ui): same, except that its inline styles are allowed (no script ever is). */
export function docsContentSecurityPolicy(config: FlowConfig): string {
  return serialize({
    ...baseDirectives(config),
    'style-src': ["'self'", "'unsafe-inline'"],
  });
}

/**
 * Security headers on every response (api, console files, docs, errors, 404s), set in `onRequest` by
 * `@fastify/helmet`: the strict CSP above, `frame-ancestors 'none'` + `X-Frame-Options: DENY`, `nosniff`,
 * `Referrer-Policy: no-referrer`, COOP/CORP same-origin, and HSTS only when `SERVED_OVER_TLS` says the browser
 * reached us over TLS (HSTS over plain HTTP is ignored by browsers and would pin a misconfigured host).
 * The console's index.html replaces the CSP with its nonce'd variant (console-static.ts); the docs get theirs here.
 */
export async function registerSecurityHeaders(
  app: NestFastifyApplication,
  config: FlowConfig,
): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: baseDirectives(config),
    },
    crossOriginEmbedderPolicy: false,
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: config.servedOverTls
      ? { maxAge: config.hstsMaxAgeSeconds, includeSubDomains: true }
      : false,
    xFrameOptions: { action: 'deny' },
  });
  const docsPolicy = docsContentSecurityPolicy(config);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      if (DOCS_PATH.test(request.url))
        reply.raw.setHeader('content-security-policy', docsPolicy);
      done();
    });
}
