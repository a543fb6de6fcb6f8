import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { createHttpApp, loadConfig } from '@flow/api/core';
import { createTestDatabase, type TestDatabase } from '@flow/api/db/testing';

import { AppModule } from './app.module';
import { resolveConsoleDir, serveConsole } from './console-static';

const CRON_SECRET = 'app-spec-cron-secret-0123456789';

describe(AppModule.name, () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let consoleDir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    consoleDir = mkdtempSync(join(tmpdir(), 'flow-console-'));
    writeFileSync(
      join(consoleDir, 'index.html'),
      '<!doctype html><title>Flow console</title><flow-root></flow-root>',
    );
    writeFileSync(join(consoleDir, 'main-abc.js'), 'console.log("flow")');
    const config = loadConfig({
      DATABASE_URL: db.url,
      CRON_SECRET,
      AUTH_JWT_SECRET: 'app-spec-jwt-secret-0123456789',
      CONSOLE_DIR: consoleDir,
      WORKER_ENABLED: 'false',
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
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
    rmSync(consoleDir, { recursive: true, force: true });
  });

  describe('console', () => {
    it('serves the console’s files and index.html for deep links such as /data/scheduler', async () => {
      const asset = await app.inject({ method: 'GET', url: '/main-abc.js' });
      expect(asset.statusCode).toBe(200);
      expect(asset.body).toContain('flow');
      const home = await app.inject({ method: 'GET', url: '/' });
      expect(home.statusCode).toBe(302);
      expect(home.headers['location']).toBe('/data/scheduler');
      for (const url of [
        '/data/scheduler',
        '/data/scheduler?x=1',
        '/data/other/deep/link',
      ]) {
        const page = await app.inject({
          method: 'GET',
          url,
          headers: { accept: 'text/html' },
        });
        expect(page.statusCode).toBe(200);
        expect(page.headers['content-type']).toMatch(/text\/html/);
        expect(page.body).toContain('<flow-root>');
      }
    });

    it('never shadows the api: unknown /api paths stay JSON 404s', async () => {
      const response = await app.inject({
        method: 'GET',
        url: '/api/v1/no-such-route',
        headers: { accept: 'text/html' },
      });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({
        statusCode: 404,
        error: 'Not Found',
      });
    });

    it('serves OpenAPI at /api/docs', async () => {
      const response = await app.inject({ method: 'GET', url: '/api/docs' });
      expect(response.statusCode).toBe(200);
      expect(response.body).toMatch(/swagger/i);
    });
  });

  describe('health, metrics and the dead-man switch', () => {
    it('reports ready with a warning until a tick has run, then the scheduler metrics after a tick', async () => {
      const before = await app.inject({
        method: 'GET',
        url: '/api/v1/health/ready',
      });
      expect(before.statusCode).toBe(200);
      expect(before.json().warnings[0]).toMatch(
        /no scheduler tick has run yet/,
      );

      const tick = await app.inject({
        method: 'POST',
        url: '/api/v1/cron/flow-scheduler-tick',
        headers: { authorization: `Bearer ${CRON_SECRET}` },
      });
      expect(tick.json()).toMatchObject({ skipped: false });

      const after = await app.inject({
        method: 'GET',
        url: '/api/v1/health/ready',
      });
      expect(after.json()).toMatchObject({
        status: 'ok',
        checks: { database: 'up' },
        warnings: [],
      });

      const metrics = await app.inject({ method: 'GET', url: '/metrics' });
      expect(metrics.statusCode).toBe(200);
      expect(metrics.headers['content-type']).toMatch(/text\/plain/);
      expect(metrics.body).toMatch(
        /^flow_ticks_total\{outcome="dispatched"\} 1$/m,
      );
      expect(metrics.body).toMatch(
        /^flow_tick_duration_seconds_count\{outcome="dispatched"\} 1$/m,
      );
      expect(metrics.body).toMatch(/^flow_seconds_since_last_tick \d+$/m);
      expect(metrics.body).toMatch(/^flow_queue_depth 0$/m);
      expect(metrics.body).toContain('flow_runs_dispatched_total');
      expect(metrics.body).toContain('flow_dispatch_lag_seconds_bucket');
    });

    it('warns when the last tick is older than two minutes', async () => {
      await db.dataSource.query(
        `UPDATE scheduler_ticks SET started_at = now() - interval '10 minutes'`,
      );
      const ready = await app.inject({
        method: 'GET',
        url: '/api/v1/health/ready',
      });
      expect(ready.statusCode).toBe(200);
      expect(ready.json().warnings[0]).toMatch(/no scheduler tick for \d+ s/);
    });

    it('answers liveness without touching the database', async () => {
      expect(
        (
          await app.inject({ method: 'GET', url: '/api/v1/health/live' })
        ).json(),
      ).toEqual({ status: 'ok' });
    });

    it('echoes a well-formed x-request-id and mints one otherwise', async () => {
      const given = await app.inject({
        method: 'GET',
        url: '/api/v1/health/live',
        headers: { 'x-request-id': 'req-123' },
      });
      expect(given.headers['x-request-id']).toBe('req-123');
      const minted = await app.inject({
        method: 'GET',
        url: '/api/v1/health/live',
        headers: { 'x-request-id': 'bad id with spaces' },
      });
      expect(minted.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
});
