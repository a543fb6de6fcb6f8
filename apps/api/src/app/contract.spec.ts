import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { Reflector } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import {
  createHttpApp,
  loadConfig,
  openApiOf,
  registeredEndpoints,
  registeredRoutes,
  type OpenApiBuild,
} from '@flow/api/core';
import { createTestDatabase, type TestDatabase } from '@flow/api/db/testing';
import { RouteAuth } from '@flow/api/tenancy';

import { AppModule } from './app.module';

/** The checked-in document (clients generate from it; `npm run contract` rewrites it and the generated types). */
export const OPENAPI_FILE = join(
  __dirname,
  '../../../../libs/contracts/openapi/openapi.json',
);

/**
 * The OpenAPI document against the code: every route the api registers is documented from an `@Endpoint`
 * declaration, and each declaration's security is the one the tenant guard enforces.
 */
describe('OpenAPI contract: coverage', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let build: OpenApiBuild;

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = loadConfig({
      DATABASE_URL: db.url,
      CRON_SECRET: 'contract-spec-cron-secret-0123456789',
      AUTH_JWT_SECRET: 'contract-spec-jwt-secret-0123456789',
      WORKER_ENABLED: 'false',
    });
    app = await createHttpApp(
      AppModule.register(config, db.dataSource),
      config,
      {
        logger: false,
      },
    );
    await app.getHttpAdapter().getInstance().ready();
    const served = openApiOf(app);
    if (!served) throw new Error('the app serves no OpenAPI document');
    build = served;
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('documents every route the api registers, each from an @Endpoint declaration', () => {
    const documented = new Map(
      build.operations.map((operation) => [
        `${operation.method} ${operation.path}`,
        operation,
      ]),
    );
    const problems: string[] = [];
    for (const route of registeredRoutes(app)) {
      if (!route.url.startsWith('/api/v1/') && route.url !== '/metrics')
        continue; // the console's static files and the OpenAPI UI itself
      const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      const operation = documented.get(`${route.method} ${path}`);
      if (!operation)
        problems.push(
          `${route.method} ${route.url} is not in the OpenAPI document (is its controller excluded with @ApiExcludeController?)`,
        );
      else if (!operation.endpointId)
        problems.push(
          `${route.method} ${route.url} has no @Endpoint declaration: add @Endpoint({ summary, security, params?, query?, body?, ` +
            `response: <XSchema from @flow/contracts>, errors: { 404: '…' } }) from '@flow/api/core' on its handler ` +
            `(see libs/api/core/src/lib/endpoint.ts and docs/api-contract.md)`,
        );
    }
    expect(problems).toEqual([]);
    expect(build.operations.length).toBeGreaterThanOrEqual(20);
  });

  it('declares the security the tenant guard enforces on each route', () => {
    const reflector = new Reflector();
    const problems: string[] = [];
    for (const endpoint of registeredEndpoints().values()) {
      const mode =
        reflector.getAllAndOverride(RouteAuth, [
          endpoint.handler,
          endpoint.controller as never,
        ]) ?? 'tenant';
      if (mode !== endpoint.declaration.security)
        problems.push(
          `${endpoint.id}: @Endpoint says security '${endpoint.declaration.security}', the guard enforces '${mode}'`,
        );
    }
    expect(problems).toEqual([]);
  });

  it('serves the document as OpenAPI 3.1 at /api/docs-json, with every schema a component', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/docs-json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.components.securitySchemes)).toEqual([
      'tenantJwt',
      'cronSecret',
    ]);
    expect(document.components.schemas).toHaveProperty('ErrorResponse');
    expect(document.components.schemas).toHaveProperty('PipelineResponse');
    expect(JSON.stringify(document)).not.toContain('x-flow-endpoint');
  });

  it('is the document checked in at libs/contracts/openapi/openapi.json', () => {
    const served = `${JSON.stringify(build.document, null, 2)}\n`;
    if (process.env['OPENAPI_WRITE'] === '1')
      writeFileSync(OPENAPI_FILE, served);
    let checkedIn = '';
    try {
      checkedIn = readFileSync(OPENAPI_FILE, 'utf8');
    } catch {
      // reported below
    }
    if (checkedIn !== served)
      throw new Error(
        'libs/contracts/openapi/openapi.json differs from the document the api serves: run `npm run contract` and commit the result',
      );
  });
});
