import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';

import {
  consoleContentSecurityPolicy,
  cspNonce,
  type FlowConfig,
  type NotFoundFallback,
} from '@flow/api/core';

/**
 * The value of `ngCspNonce` in the built index.html (apps/console/src/index.html); every occurrence is replaced by
 * the response's own nonce, which the page's Content-Security-Policy allows for `<style>` elements.
 */
export const CSP_NONCE_PLACEHOLDER = '__FLOW_CSP_NONCE__';

/** Paths that belong to the api: their 404s stay JSON, never the console's HTML. */
const API_PATHS = /^\/(api|metrics)(\/|$|\?)/;

/** Where the built console is: CONSOLE_DIR, else next to the api bundle (dist/apps/console/browser). */
export function resolveConsoleDir(configured: string | null): string | null {
  const candidates = configured
    ? [resolve(configured)]
    : [
        resolve(__dirname, '..', 'console', 'browser'),
        resolve(process.cwd(), 'dist/apps/console/browser'),
      ];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

/**
 * Serves the built console from the api's own origin: its files, and `index.html` for any other GET outside
 * `/api` so that deep links such as `/data/scheduler` work (the SPA fallback).
 */
export function serveConsole(
  app: NestFastifyApplication,
  consoleDir: string | null,
  config: FlowConfig,
): NotFoundFallback | undefined {
  if (!consoleDir) {
    new Logger('Console').warn(
      'The built console was not found (run `npx nx build console`); serving the api only',
    );
    return undefined;
  }
  app.useStaticAssets({
    root: consoleDir,
    prefix: '/',
    wildcard: true,
    index: false,
    cacheControl: true,
    maxAge: '1h',
  });
  // The console's home is the scheduler page; browsers carry the #token fragment across the redirect.
  app
    .getHttpAdapter()
    .getInstance()
    .get('/', (_request, reply) => reply.redirect('/data/scheduler', 302));
  // The page around its nonce placeholders: each response joins the parts with a fresh nonce (no template engine).
  const indexParts = readFileSync(join(consoleDir, 'index.html'), 'utf8').split(
    CSP_NONCE_PLACEHOLDER,
  );
  const sendIndex = (reply: FastifyReply) => {
    const nonce = cspNonce();
    return reply
      .status(200)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header(
        'content-security-policy',
        consoleContentSecurityPolicy(config, nonce),
      )
      .send(indexParts.join(nonce));
  };
  // Never the static file itself: it would carry the placeholder, not a nonce the policy allows.
  app
    .getHttpAdapter()
    .getInstance()
    .get('/index.html', (_request, reply) => sendIndex(reply));
  return (request: FastifyRequest, reply: FastifyReply) => {
    if (
      (request.method !== 'GET' && request.method !== 'HEAD') ||
      API_PATHS.test(request.url)
    )
      return false;
    void sendIndex(reply);
    return true;
  };
}
