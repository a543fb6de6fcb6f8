import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import {
  ConfigError,
  createHttpApp,
  FlowConfigModule,
  loadConfig,
  TokenBuckets,
} from '@flow/api/core';
import { createTestDatabase, type TestDatabase } from '@flow/api/db/testing';
import { signTenantToken, TenantsService } from '@flow/api/tenancy';

import { AppModule } from './app.module';
import { resolveConsoleDir, serveConsole } from './console-static';

// Issue #19, defence in depth: security headers on every response, per-tenant rate limits with 429 + Retry-After,
// and the routes that are never limited. Real PostgreSQL, the full AppModule, requests through app.inject().
const CRON_SECRET = 'defence-spec-cron-secret-0123456789';
const JWT_SECRET = 'defence-spec-jwt-secret-0123456789';
const BASE_ENV = {
  CRON_SECRET,
  AUTH_JWT_SECRET: JWT_SECRET,
  WORKER_ENABLED: 'false',
  LOG_LEVEL: 'silent',
};

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

describe('defence in depth (issue #19)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let consoleDir: string;
  let tokenA: string;
  let tokenB: string;
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    db = await createTestDatabase();
    consoleDir = mkdtempSync(join(tmpdir(), 'flow-console-'));
    writeFileSync(
      join(consoleDir, 'index.html'),
      '<!doctype html><title>Flow console</title><flow-root ngCspNonce="__FLOW_CSP_NONCE__"></flow-root>',
    );
    writeFileSync(join(consoleDir, 'main-abc.js'), 'console.log("flow")');
    // Small budgets that never refill during the test (a one-hour window).
    const config = loadConfig({
      ...BASE_ENV,
      DATABASE_URL: db.url,
      CONSOLE_DIR: consoleDir,
      RATE_LIMIT_WINDOW_SECONDS: '3600',
      RATE_LIMIT_READS: '6',
      RATE_LIMIT_EXPENSIVE_READS: '3',
      RATE_LIMIT_WRITES: '4',
      RATE_LIMIT_UNAUTHENTICATED: '5',
    });
    app = await createHttpApp(
      AppModule.register(config, db.dataSource),
      config,
      {
        logger: false,
        configure: (instance) =>
          serveConsole(instance, resolveConsoleDir(config.consoleDir), config),
      },
    );
    await app.getHttpAdapter().getInstance().ready();
    const tenants = app.get(TenantsService);
    const a = await tenants.create({
      slug: 'alpha',
      name: 'Alpha',
      timezone: 'UTC',
    });
    const b = await tenants.create({
      slug: 'beta',
      name: 'Beta',
      timezone: 'UTC',
    });
    tokenA = await signTenantToken(JWT_SECRET, a.tenant.id, 3600, {
      subject: 'test',
    });
    tokenB = await signTenantToken(JWT_SECRET, b.tenant.id, 3600, {
      subject: 'test',
    });
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
    rmSync(consoleDir, { recursive: true, force: true });
  });

  describe('security headers', () => {
    const expectCommonHeaders = (headers: Record<string, unknown>) => {
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['referrer-policy']).toBe('no-referrer');
      expect(headers['x-frame-options']).toBe('DENY');
      expect(headers['strict-transport-security']).toBeUndefined();
      const csp = String(headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self';");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("base-uri 'none'");
      expect(csp).not.toContain('unsafe-eval');
      return csp;
    };

    it('on api answers, errors, 404s and static files', async () => {
      const responses = await Promise.all([
        app.inject({ method: 'GET', url: '/api/v1/health/live' }),
        app.inject({ method: 'GET', url: '/api/v1/pipelines' }),
        app.inject({ method: 'GET', url: '/api/v1/no-such-route' }),
        app.inject({ method: 'GET', url: '/main-abc.js' }),
        app.inject({ method: 'GET', url: '/metrics' }),
      ]);
      expect(responses.map((r) => r.statusCode)).toEqual([
        200, 401, 404, 200, 200,
      ]);
      for (const response of responses) {
        const csp = expectCommonHeaders(response.headers);
        expect(csp).toContain("style-src 'self';");
      }
    });

    it('on the console page: a fresh nonce per response, in the policy and on the root element', async () => {
      const [deep, direct] = await Promise.all([
        app.inject({ method: 'GET', url: '/data/scheduler' }),
        app.inject({ method: 'GET', url: '/index.html' }),
      ]);
      const nonces = [deep, direct].map((response) => {
        expect(response.statusCode).toBe(200);
        const csp = expectCommonHeaders(response.headers);
        const nonce = /style-src 'self' 'nonce-([A-Za-z0-9+/=]{24})'/.exec(
          csp,
        )?.[1];
        expect(nonce).toBeDefined();
        expect(response.body).toContain(`ngCspNonce="${nonce}"`);
        expect(response.body).not.toContain('__FLOW_CSP_NONCE__');
        return nonce;
      });
      expect(nonces[0]).not.toBe(nonces[1]);
    });

    it('on /api/docs: its own policy (inline styles for swagger-ui, never inline script)', async () => {
      const docs = await app.inject({ method: 'GET', url: '/api/docs' });
      expect(docs.statusCode).toBe(200);
      const csp = expectCommonHeaders(docs.headers);
      expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    });

    it('HSTS (and upgrade-insecure-requests) only when served over TLS', async () => {
      const config = loadConfig({
        ...BASE_ENV,
        DATABASE_URL: 'postgres://unused@127.0.0.1:1/none',
        SERVED_OVER_TLS: 'true',
        HSTS_MAX_AGE_SECONDS: '86400',
      });
      @Module({ imports: [FlowConfigModule.forRoot(config)] })
      class BareModule {}
      const tls = await createHttpApp(BareModule, config, {
        logger: false,
        openApi: false,
      });
      try {
        await tls.getHttpAdapter().getInstance().ready();
        const response = await tls.inject({ method: 'GET', url: '/nothing' });
        expect(response.headers['strict-transport-security']).toBe(
          'max-age=86400; includeSubDomains',
        );
        expect(response.headers['content-security-policy']).toContain(
          'upgrade-insecure-requests',
        );
      } finally {
        await tls.close();
      }
    });
  });

  describe('rate limits', () => {
    it('a tenant over its reads budget gets 429 with Retry-After and the error shape; another tenant does not', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i += 1) {
        const response = await app.inject({
          method: 'GET',
          url: '/api/v1/pipelines',
          headers: auth(tokenA),
        });
        statuses.push(response.statusCode);
        if (response.statusCode === 429) {
          expect(
            Number(response.headers['retry-after']),
          ).toBeGreaterThanOrEqual(1);
          expect(response.json()).toEqual({
            statusCode: 429,
            error: 'Too Many Requests',
            message: expect.stringMatching(
              /^Rate limit for reads reached \(6 per 3600 s per tenant\); retry after \d+ s$/,
            ),
          });
          expect(response.headers['content-security-policy']).toBeDefined();
        }
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
      const other = await app.inject({
        method: 'GET',
        url: '/api/v1/pipelines',
        headers: auth(tokenB),
      });
      expect(other.statusCode).toBe(200);
    });

    it('expensive reads and writes have budgets of their own', async () => {
      // Tenant A's reads are spent (above); its expensive reads and writes are not.
      const lineage: number[] = [];
      for (let i = 0; i < 4; i += 1)
        lineage.push(
          (
            await app.inject({
              method: 'GET',
              url: '/api/v1/lineage',
              headers: auth(tokenA),
            })
          ).statusCode,
        );
      expect(lineage).toEqual([200, 200, 200, 429]);
      const status = await app.inject({
        method: 'GET',
        url: '/api/v1/scheduler-status',
        headers: auth(tokenA),
      });
      expect(status.statusCode).toBe(429);
      expect(status.json().message).toMatch(/^Rate limit for expensive reads/);

      const writes: number[] = [];
      for (let i = 0; i < 5; i += 1)
        writes.push(
          (
            await app.inject({
              method: 'POST',
              url: '/api/v1/pipelines',
              headers: auth(tokenA),
              payload: {},
            })
          ).statusCode,
        );
      // Counted before validation: four 400s (no name, no ir), then the budget is spent.
      expect(writes).toEqual([400, 400, 400, 400, 429]);
    });

    it('never limits health or the cron tick', async () => {
      for (let i = 0; i < 12; i += 1) {
        const [live, ready] = await Promise.all([
          app.inject({ method: 'GET', url: '/api/v1/health/live' }),
          app.inject({ method: 'GET', url: '/api/v1/health/ready' }),
        ]);
        expect([live.statusCode, ready.statusCode]).toEqual([200, 200]);
      }
      for (let i = 0; i < 8; i += 1) {
        const tick = await app.inject({
          method: 'POST',
          url: '/api/v1/cron/flow-scheduler-tick',
          headers: auth(CRON_SECRET),
        });
        expect(tick.statusCode).toBe(200);
      }
    });

    it('counts failed authentication per client address, before the guard', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i += 1)
        statuses.push(
          (
            await app.inject({
              method: 'GET',
              url: '/api/v1/pipelines',
              headers: auth('not-a-token'),
              remoteAddress: '203.0.113.7',
            })
          ).statusCode,
        );
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
      const blocked = await app.inject({
        method: 'GET',
        url: '/api/v1/pipelines',
        headers: auth(tokenB),
        remoteAddress: '203.0.113.7',
      });
      expect(blocked.statusCode).toBe(429);
      expect(blocked.json().message).toMatch(
        /^Rate limit for unauthenticated requests reached \(5 per 3600 s per client address\)/,
      );
      // Another address, and health from the blocked one, are untouched.
      const elsewhere = await app.inject({
        method: 'GET',
        url: '/api/v1/pipelines',
        headers: auth(tokenB),
        remoteAddress: '203.0.113.8',
      });
      expect(elsewhere.statusCode).toBe(200);
      const health = await app.inject({
        method: 'GET',
        url: '/api/v1/health/live',
        remoteAddress: '203.0.113.7',
      });
      expect(health.statusCode).toBe(200);
    });
  });

  it('a flooded tenant is refused while another tenant keeps being served (figures printed, same run)', async () => {
    // An app of its own: tenant A may write 20 times per hour, reads are unlimited for practical purposes.
    const floodDb = await createTestDatabase();
    const config = loadConfig({
      ...BASE_ENV,
      DATABASE_URL: floodDb.url,
      RATE_LIMIT_WINDOW_SECONDS: '3600',
      RATE_LIMIT_WRITES: '20',
    });
    const flood = await createHttpApp(
      AppModule.register(config, floodDb.dataSource),
      config,
      { logger: false, openApi: false },
    );
    try {
      await flood.getHttpAdapter().getInstance().ready();
      const tenants = flood.get(TenantsService);
      const a = await tenants.create({
        slug: 'flooder',
        name: 'A',
        timezone: 'UTC',
      });
      const b = await tenants.create({
        slug: 'bystander',
        name: 'B',
        timezone: 'UTC',
      });
      const floodToken = await signTenantToken(JWT_SECRET, a.tenant.id, 3600, {
        subject: 'test',
      });
      const readerToken = await signTenantToken(JWT_SECRET, b.tenant.id, 3600, {
        subject: 'test',
      });
      const readB = async (): Promise<number> => {
        const started = performance.now();
        const response = await flood.inject({
          method: 'GET',
          url: '/api/v1/pipelines?limit=20',
          headers: auth(readerToken),
        });
        expect(response.statusCode).toBe(200);
        return performance.now() - started;
      };
      const ROUNDS = 150;
      for (let i = 0; i < 20; i += 1) await readB(); // warm-up
      const alone: number[] = [];
      for (let i = 0; i < ROUNDS; i += 1) alone.push(await readB());

      let flooding = true;
      const floodStatuses = new Map<number, number>();
      const floodWorker = async () => {
        while (flooding) {
          const response = await flood.inject({
            method: 'POST',
            url: '/api/v1/pipelines',
            headers: auth(floodToken),
            payload: {
              name: `flood-${floodStatuses.size}-${Math.random()}`,
              ir: { version: 1, nodes: [] },
            },
          });
          floodStatuses.set(
            response.statusCode,
            (floodStatuses.get(response.statusCode) ?? 0) + 1,
          );
        }
      };
      // Four clients of tenant A back to back (a script at its limit), against one reader of tenant B.
      const workers = Array.from({ length: 4 }, floodWorker);
      const during: number[] = [];
      for (let i = 0; i < ROUNDS; i += 1) during.push(await readB());
      flooding = false;
      await Promise.all(workers);

      const refused = floodStatuses.get(429) ?? 0;
      const served = [...floodStatuses.entries()]
        .filter(([status]) => status !== 429)
        .reduce((sum, [, count]) => sum + count, 0);
      const p95Alone = percentile(alone, 0.95);
      const p95During = percentile(during, 0.95);
      process.stdout.write(
        `RATE-LIMIT isolation: tenant B list p95 alone=${p95Alone.toFixed(2)} ms, during A's flood=${p95During.toFixed(2)} ms (ratio ${(p95During / p95Alone).toFixed(2)}); p50 ${percentile(alone, 0.5).toFixed(2)} → ${percentile(during, 0.5).toFixed(2)} ms; A: ${served} writes served, ${refused} refused with 429 (${ROUNDS} B reads each phase)\n`,
      );
      expect(served).toBe(20);
      expect(refused).toBeGreaterThan(0);
    } finally {
      await flood.close();
      await floodDb.drop();
    }
  });

  describe('configuration', () => {
    it('rejects bad limits, quotas and TLS flags at boot, naming the variable', () => {
      expect(() =>
        loadConfig({
          ...BASE_ENV,
          RATE_LIMIT_WRITES: '0',
          RATE_LIMIT_WINDOW_SECONDS: 'ten',
          QUOTA_PIPELINES_PER_TENANT: '-1',
          SERVED_OVER_TLS: 'maybe',
        }),
      ).toThrow(ConfigError);
      try {
        loadConfig({
          ...BASE_ENV,
          RATE_LIMIT_WRITES: '0',
          RATE_LIMIT_WINDOW_SECONDS: 'ten',
          QUOTA_PIPELINES_PER_TENANT: '-1',
          SERVED_OVER_TLS: 'maybe',
        });
      } catch (error) {
        const problems = (error as ConfigError).problems.join('\n');
        for (const name of [
          'RATE_LIMIT_WRITES',
          'RATE_LIMIT_WINDOW_SECONDS',
          'QUOTA_PIPELINES_PER_TENANT',
          'SERVED_OVER_TLS',
        ])
          expect(problems).toContain(name);
      }
    });
  });
});

describe(TokenBuckets.name, () => {
  it('refills continuously and says when the next token arrives', () => {
    let now = 0;
    const buckets = new TokenBuckets(2, 10, () => now);
    expect(buckets.take('t').allowed).toBe(true);
    expect(buckets.take('t').allowed).toBe(true);
    expect(buckets.take('t')).toEqual({ allowed: false, retryAfterSeconds: 5 });
    now = 4_000; // 0.8 of a token
    expect(buckets.take('t')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now = 5_000;
    expect(buckets.take('t').allowed).toBe(true);
    expect(buckets.take('other').allowed).toBe(true);
  });

  it('keeps at most maxKeys keys, forgetting the oldest', () => {
    const buckets = new TokenBuckets(1, 1, () => 0, 3);
    for (const key of ['a', 'b', 'c', 'd']) buckets.take(key);
    expect(buckets.size).toBe(3);
    expect(buckets.take('a').allowed).toBe(true); // forgotten → a full bucket again
    expect(buckets.take('d').allowed).toBe(false);
  });
});
