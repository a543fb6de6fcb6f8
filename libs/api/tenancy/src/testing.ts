import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import {
  createHttpApp,
  FlowConfigModule,
  loadConfig,
  type FlowConfig,
} from '@flow/api/core';
import { DatabaseModule } from '@flow/api/db';
import type { Role } from '@flow/contracts';
import { createTestDatabase, type TestDatabase } from '@flow/api/db/testing';

import { signTenantToken } from './lib/jwt-verifier';
import { TenancyModule } from './lib/tenancy.module';
import type { TenantContext } from './lib/tenant-context';
import { TenantsService } from './lib/tenants.service';

export const TEST_JWT_SECRET = 'test-jwt-secret-with-enough-length';
export const TEST_CRON_SECRET = 'test-cron-secret-with-enough-length';

export interface TestApp {
  app: NestFastifyApplication;
  db: TestDatabase;
  config: FlowConfig;
  createTenant(slug: string, timezone?: string): Promise<TenantContext>;
  /** A token of the tenant; `editor` unless a role is given (null: no role claim, i.e. a viewer). */
  tokenFor(
    tenant: { id: string },
    ttlSeconds?: number,
    role?: Role | null,
  ): Promise<string>;
  close(): Promise<void>;
}

/**
 * An HTTP app built exactly as production builds it (Fastify, filter, global TenantGuard) with the given feature
 * modules, on a fresh database of its own. Requests go through `app.inject()`.
 */
export async function createTestApp(
  featureModules: Type<unknown>[],
  env: Record<string, string> = {},
): Promise<TestApp> {
  const db = await createTestDatabase({ poolSize: 10 });
  const config = loadConfig({
    DATABASE_URL: db.url,
    CRON_SECRET: TEST_CRON_SECRET,
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    ...env,
  });
  const rootModule = {
    module: class TestRootModule {},
    imports: [
      FlowConfigModule.forRoot(config),
      DatabaseModule.forDataSource(db.dataSource),
      TenancyModule,
      ...featureModules,
    ],
  };
  const app = await createHttpApp(rootModule, config, {
    logger: false,
    openApi: false,
  });
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    db,
    config,
    async createTenant(slug, timezone = 'UTC') {
      return (
        await app.get(TenantsService).create({ slug, name: slug, timezone })
      ).tenant;
    },
    tokenFor(tenant, ttlSeconds = 3600, role = 'editor') {
      return signTenantToken(TEST_JWT_SECRET, tenant.id, ttlSeconds, {
        subject: 'test',
        role,
        roleClaim: config.authRoleClaim,
      });
    },
    async close() {
      await app.close();
      await db.drop();
    },
  };
}
