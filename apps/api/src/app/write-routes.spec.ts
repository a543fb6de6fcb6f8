import { randomUUID } from 'node:crypto';

import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, ModulesContainer, Reflector } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { API_PREFIX, createHttpApp, loadConfig } from '@flow/api/core';
import { createTestDatabase, type TestDatabase } from '@flow/api/db/testing';
import {
  RequiresRole,
  RouteAuth,
  signTenantToken,
  TenantsService,
} from '@flow/api/tenancy';
import type { Role } from '@flow/contracts';

import { AppModule } from './app.module';

const JWT_SECRET = 'write-routes-jwt-secret-0123456789';

interface Route {
  method: string;
  path: string;
  /** `@RequiresRole(…)` when the route declares one. */
  declaredRole: Role | undefined;
}

/**
 * Every tenant route of the app that is not a read (not GET/HEAD/OPTIONS), read from the controllers' metadata — a
 * route added later is in this list without anyone editing the test.
 */
function tenantWriteRoutes(app: NestFastifyApplication): Route[] {
  const discovery = new DiscoveryService(app.get(ModulesContainer));
  const reflector = new Reflector();
  const routes: Route[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as
      | (abstract new (...args: never[]) => unknown)
      | null;
    if (!controller) continue;
    const prefix = [Reflect.getMetadata(PATH_METADATA, controller)].flat()[0];
    const proto = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const handler = proto[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const method: RequestMethod | undefined = Reflect.getMetadata(
        METHOD_METADATA,
        handler,
      );
      if (method === undefined) continue;
      const verb = RequestMethod[method];
      if (['GET', 'HEAD', 'OPTIONS'].includes(verb)) continue;
      if (reflector.getAllAndOverride(RouteAuth, [handler, controller]))
        continue; // public or cron-secret: no tenant, no role
      const path = [Reflect.getMetadata(PATH_METADATA, handler)].flat()[0];
      routes.push({
        method: verb,
        path: `/${API_PREFIX}/${[prefix, path].filter((p) => p && p !== '/').join('/')}`,
        declaredRole: reflector.getAllAndOverride(RequiresRole, [
          handler,
          controller,
        ]),
      });
    }
  }
  return routes;
}

describe('write routes × roles (DESIGN §12)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let routes: Route[];
  const tokens = new Map<Role | 'none', string>();

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = loadConfig({
      DATABASE_URL: db.url,
      CRON_SECRET: 'write-routes-cron-secret-0123456789',
      AUTH_JWT_SECRET: JWT_SECRET,
      WORKER_ENABLED: 'false',
      SCHEDULER_INTERNAL_TICK: 'false',
      LOG_LEVEL: 'silent',
    });
    app = await createHttpApp(
      AppModule.register(config, db.dataSource),
      config,
      { logger: false, openApi: false },
    );
    await app.getHttpAdapter().getInstance().ready();
    const { tenant } = await app
      .get(TenantsService)
      .create({ slug: 'roles', name: 'Roles', timezone: 'UTC' });
    for (const role of ['viewer', 'editor', 'admin', null] as const)
      tokens.set(
        role ?? 'none',
        await signTenantToken(JWT_SECRET, tenant.id, 600, { role }),
      );
    routes = tenantWriteRoutes(app);
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('finds the write routes from the app itself', () => {
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([
        'POST /api/v1/pipelines',
        'PATCH /api/v1/pipelines/:id',
        'DELETE /api/v1/pipelines/:id',
        'PUT /api/v1/pipelines/:id/ir',
        'POST /api/v1/pipelines/:id/runs',
      ]),
    );
    // No write route opts down to viewer; one that does must be listed here on purpose.
    expect(routes.filter((r) => r.declaredRole === 'viewer')).toEqual([]);
  });

  const send = (route: Route, token: string) =>
    app.inject({
      method: route.method as 'POST',
      // An id nobody has: an allowed caller gets past the guard to a 4xx of the route itself, and nothing changes.
      url: route.path.replace(/:[A-Za-z]+/g, randomUUID()),
      headers: { authorization: `Bearer ${token}` },
      payload: {},
    });

  it.each(['viewer', 'none'] as const)(
    'refuses every write route to a %s token with a 403 naming the role',
    async (role) => {
      for (const route of routes) {
        const response = await send(route, tokens.get(role) as string);
        expect({ route, status: response.statusCode }).toEqual({
          route,
          status: 403,
        });
        expect(response.json()).toMatchObject({
          statusCode: 403,
          error: 'Forbidden',
          message: expect.stringContaining("the token's role is viewer"),
        });
      }
    },
  );

  it.each(['editor', 'admin'] as const)(
    'lets a %s token through every write route (the route itself answers)',
    async (role) => {
      for (const route of routes) {
        const response = await send(route, tokens.get(role) as string);
        expect({
          route,
          passedTheGuard: ![401, 403, 500].includes(response.statusCode),
        }).toEqual({ route, passedTheGuard: true });
      }
    },
  );
});
