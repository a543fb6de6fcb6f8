import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';

import { Reflector } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

import {
  createHttpApp,
  loadConfig,
  openApiOf,
  registeredEndpoints,
  registeredRoutes,
  type OpenApiBuild,
} from '@flow/api/core';
import { createTestDatabase, type TestDatabase } from '@flow/api/db/testing';
import { queryRows } from '@flow/api/db';
import { RouteAuth, signTenantToken, TenantsService } from '@flow/api/tenancy';

import { AppModule } from './app.module';

const WORKSPACE = join(__dirname, '../../../..');

/** Runs a node CLI of node_modules; resolves with its exit code and output (never throws). */
async function runCli(
  script: string,
  args: string[],
): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [join(WORKSPACE, 'node_modules', script), ...args],
      {
        cwd: WORKSPACE,
        env: {
          ...process.env,
          REDOCLY_TELEMETRY: 'off',
          REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
        },
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : 1,
      output: `${failed.stdout ?? ''}${failed.stderr ?? ''}`,
    };
  }
}

/** The checked-in document (clients generate from it; `npm run contract` rewrites it and the generated types). */
export const OPENAPI_FILE = join(
  __dirname,
  '../../../../libs/contracts/openapi/openapi.json',
);

/**
 * The OpenAPI document against the code: every route the api registers is documented from an `@Endpoint`
 * declaration, and each declaration's security is the one the tenant guard enforces.
 */
const CRON_SECRET = 'contract-spec-cron-secret-0123456789';
const JWT_SECRET = 'contract-spec-jwt-secret-0123456789';

describe('OpenAPI contract', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let build: OpenApiBuild;

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = loadConfig({
      DATABASE_URL: db.url,
      CRON_SECRET,
      AUTH_JWT_SECRET: JWT_SECRET,
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

type Document = {
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, unknown> };
};
type OperationObject = {
  responses: Record<
    string,
    { content?: Record<string, { schema: Record<string, unknown> }> }
  >;
};

/** The checked-in document and the client generated from it, checked by the tools a client would use. */
describe('OpenAPI contract: the checked-in document and client', () => {
  it('passes `redocly lint` with the recommended rules (no errors)', async () => {
    const { code, output } = await runCli('@redocly/cli/bin/cli.js', [
      'lint',
      'libs/contracts/openapi/openapi.json',
      '--format=summary',
    ]);
    if (code !== 0) throw new Error(`redocly lint failed:\n${output}`);
    expect(output).toContain('Your API description is valid');
  });

  it('has generated client types equal to what openapi-typescript makes of it', async () => {
    const { code, output } = await runCli('openapi-typescript/bin/cli.js', [
      'libs/contracts/openapi/openapi.json',
      '-o',
      'libs/contracts/src/generated/openapi.ts',
      '--root-types',
      '--root-types-no-schema-prefix',
      '--check',
    ]);
    if (code !== 0)
      throw new Error(
        `libs/contracts/src/generated/openapi.ts is stale: run \`npm run contract\` and commit it\n${output}`,
      );
  });
});

/** Operations whose only 4xx needs another configuration than this spec's, with the reason. */
const ERROR_CALL_EXEMPT = new Map([
  ['GET /metrics', '401 only with METRICS_PUBLIC=false'],
]);

interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  auth?: 'tenant' | 'viewer' | 'cron' | 'bad' | 'none' | 'unknown-tenant';
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  status: number;
}

/**
 * Real answers of every documented operation — its success and its errors — validated with ajv against the
 * schema the document gives for that status. A status the document does not list for the operation fails too.
 * An operation no call reaches fails the last test: add a success and an error call for a new route to `calls()`.
 */
describe('OpenAPI contract: real responses match the document (ajv)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let document: Document;
  let ajv: Ajv2020;
  const tokens: Record<string, string> = {};
  let pipelineId: string;
  let runId: string;
  const missing = '00000000-0000-4000-8000-000000000000';
  const reached = new Map<string, Set<number>>();

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = loadConfig({
      DATABASE_URL: db.url,
      CRON_SECRET,
      AUTH_JWT_SECRET: JWT_SECRET,
      WORKER_ENABLED: 'false',
      BODY_LIMIT_BYTES: '65536',
      LOG_LEVEL: 'fatal',
    });
    app = await createHttpApp(
      AppModule.register(config, db.dataSource),
      config,
      {
        logger: false,
      },
    );
    await app.getHttpAdapter().getInstance().ready();
    document = (
      await app.inject({ method: 'GET', url: '/api/docs-json' })
    ).json<Document>();
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'doc', components: document.components });

    const tenants = app.get(TenantsService);
    const acme = (
      await tenants.create({ slug: 'acme', name: 'Acme', timezone: 'UTC' })
    ).tenant;
    tokens['tenant'] = await signTenantToken(JWT_SECRET, acme.id, 600, {
      role: 'admin',
    });
    tokens['viewer'] = await signTenantToken(JWT_SECRET, acme.id, 600, {
      role: 'viewer',
    });
    tokens['unknown-tenant'] = await signTenantToken(JWT_SECRET, missing, 600);
    await queryRows(
      db.dataSource,
      `CREATE TABLE ${acme.schema}.orders (id integer PRIMARY KEY, amount numeric(10,2), status text);
       INSERT INTO ${acme.schema}.orders VALUES (1, 10.5, 'paid'), (2, 3, 'open')`,
    );
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/pipelines',
      headers: { authorization: `Bearer ${tokens['tenant']}` },
      payload: {
        name: 'orders-copy',
        paused: true,
        ir: {
          version: 1,
          schedule: { type: 'cron', expression: '0 * * * *' },
          nodes: [
            { id: 'orders', type: 'source', table: 'orders', key: ['id'] },
            {
              id: 'out',
              type: 'target',
              input: 'orders',
              table: 'orders_copy',
              mode: 'append',
            },
          ],
        },
      },
    });
    expect(created.statusCode).toBe(201);
    pipelineId = created.json<{ id: string }>().id;
    const run = await app.inject({
      method: 'POST',
      url: `/api/v1/pipelines/${pipelineId}/runs`,
      headers: { authorization: `Bearer ${tokens['tenant']}` },
    });
    expect(run.statusCode).toBe(202);
    runId = run.json<{ id: string }>().id;
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  function calls(): Call[] {
    const p = `/api/v1/pipelines/${pipelineId}`;
    const gone = `/api/v1/pipelines/${missing}`;
    const ir = {
      version: 1,
      nodes: [
        { id: 'orders', type: 'source', table: 'orders', key: ['id'] },
        {
          id: 'out',
          type: 'target',
          input: 'orders',
          table: 'orders_copy2',
          mode: 'append',
        },
      ],
    };
    return [
      { method: 'GET', url: '/api/v1/health/live', auth: 'none', status: 200 },
      { method: 'GET', url: '/api/v1/health/ready', auth: 'none', status: 200 },
      { method: 'GET', url: '/metrics', auth: 'none', status: 200 },
      { method: 'GET', url: '/api/v1/tenant', status: 200 },
      { method: 'GET', url: '/api/v1/tenant', auth: 'none', status: 401 },
      { method: 'GET', url: '/api/v1/tenant', auth: 'bad', status: 401 },
      {
        method: 'GET',
        url: '/api/v1/tenant',
        auth: 'unknown-tenant',
        status: 403,
      },
      { method: 'GET', url: '/api/v1/pipelines?limit=1', status: 200 },
      { method: 'GET', url: '/api/v1/pipelines?limit=0', status: 400 },
      {
        method: 'POST',
        url: '/api/v1/pipelines',
        body: { name: 'second', ir },
        status: 201,
      },
      {
        method: 'POST',
        url: '/api/v1/pipelines',
        body: { name: 'orders-copy', ir },
        status: 409,
      },
      {
        method: 'POST',
        url: '/api/v1/pipelines',
        body: { name: 'bad', ir: { version: 1, nodes: [{ id: 'x' }] } },
        status: 400,
      },
      {
        method: 'POST',
        url: '/api/v1/pipelines',
        rawBody: '{"name": ',
        status: 400,
      },
      {
        method: 'POST',
        url: '/api/v1/pipelines',
        rawBody: JSON.stringify({ name: 'x'.repeat(70_000), ir }),
        status: 413,
      },
      {
        method: 'POST',
        url: '/api/v1/pipelines',
        rawBody: 'name=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        status: 415,
      },
      {
        method: 'POST',
        url: '/api/v1/pipelines',
        auth: 'viewer',
        body: { name: 'third', ir },
        status: 403,
      },
      { method: 'GET', url: p, status: 200 },
      { method: 'GET', url: gone, status: 404 },
      { method: 'PATCH', url: p, body: { paused: true }, status: 200 },
      { method: 'PATCH', url: p, body: {}, status: 400 },
      { method: 'PATCH', url: gone, body: { paused: true }, status: 404 },
      { method: 'PATCH', url: p, body: { name: 'second' }, status: 409 },
      { method: 'GET', url: `${p}/ir`, status: 200 },
      { method: 'GET', url: `${gone}/ir`, status: 404 },
      {
        method: 'PUT',
        url: `${p}/ir`,
        body: { ...ir, schedule: { type: 'cron', expression: '0 * * * *' } },
        status: 200,
      },
      {
        method: 'PUT',
        url: `${p}/ir`,
        body: { ...ir, schedule: { type: 'cron', expression: '61 * * * *' } },
        status: 400,
      },
      { method: 'PUT', url: `${gone}/ir`, body: ir, status: 404 },
      // The PUT above made version 2: an edit based on version 1 is stale.
      {
        method: 'PUT',
        url: `${p}/ir`,
        body: ir,
        headers: { 'if-match': '"1"' },
        status: 412,
      },
      {
        method: 'PATCH',
        url: p,
        body: { ir },
        headers: { 'if-match': '"1"' },
        status: 412,
      },
      { method: 'GET', url: `${p}/versions?limit=5`, status: 200 },
      { method: 'GET', url: `${p}/versions?limit=0`, status: 400 },
      { method: 'GET', url: `${gone}/versions`, status: 404 },
      { method: 'GET', url: `${p}/versions/1`, status: 200 },
      { method: 'GET', url: `${p}/versions/x`, status: 400 },
      { method: 'GET', url: `${p}/versions/99`, status: 404 },
      { method: 'GET', url: `${p}/sql-preview`, status: 200 },
      { method: 'GET', url: `${gone}/sql-preview`, status: 404 },
      { method: 'GET', url: '/api/v1/lineage', status: 200 },
      { method: 'GET', url: '/api/v1/lineage', auth: 'none', status: 401 },
      { method: 'POST', url: `${p}/runs`, status: 202 },
      {
        method: 'POST',
        url: `${p}/runs`,
        body: { replayDlqOnly: true },
        status: 409,
      },
      {
        method: 'POST',
        url: `${p}/runs`,
        body: { replayDlqOnly: 'yes' },
        status: 400,
      },
      { method: 'POST', url: `${gone}/runs`, status: 404 },
      { method: 'GET', url: `${p}/runs?limit=5`, status: 200 },
      { method: 'GET', url: `${p}/runs?limit=x`, status: 400 },
      { method: 'GET', url: `${gone}/runs`, status: 404 },
      { method: 'GET', url: `${p}/runs/${runId}`, status: 200 },
      { method: 'GET', url: `${p}/runs/${missing}`, status: 404 },
      { method: 'GET', url: `${p}/node-metrics?node=orders`, status: 200 },
      { method: 'GET', url: `${p}/node-metrics`, status: 400 },
      { method: 'GET', url: `${gone}/node-metrics?node=orders`, status: 404 },
      { method: 'GET', url: `${p}/dead-letters`, status: 200 },
      { method: 'GET', url: `${p}/dead-letters?status=x`, status: 400 },
      { method: 'GET', url: `${gone}/dead-letters`, status: 404 },
      {
        method: 'GET',
        url: '/api/v1/cron/flow-scheduler-tick',
        auth: 'cron',
        status: 200,
      },
      {
        method: 'POST',
        url: '/api/v1/cron/flow-scheduler-tick',
        auth: 'cron',
        status: 200,
      },
      {
        method: 'POST',
        url: '/api/v1/cron/flow-scheduler-tick',
        auth: 'tenant',
        status: 401,
      },
      {
        method: 'GET',
        url: '/api/v1/cron/flow-scheduler-tick',
        auth: 'none',
        status: 401,
      },
      { method: 'GET', url: '/api/v1/scheduler-status', status: 200 },
      { method: 'GET', url: '/api/v1/scheduler-status?limit=2', status: 200 },
      { method: 'GET', url: '/api/v1/scheduler-status?bogus=1', status: 400 },
      { method: 'GET', url: '/api/v1/stream-status', status: 200 },
      {
        method: 'GET',
        url: '/api/v1/stream-status?pipelineId=00000000-0000-4000-8000-000000000000',
        status: 404,
      },
      { method: 'DELETE', url: p, status: 204 },
      { method: 'DELETE', url: p, status: 404 },
    ];
  }

  function operationOf(method: string, url: string) {
    const path = url.split('?')[0];
    for (const [template, item] of Object.entries(document.paths)) {
      const pattern = new RegExp(
        `^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`,
      );
      const operation = item[method.toLowerCase()];
      if (pattern.test(path) && operation)
        return { key: `${method} ${template}`, operation };
    }
    return null;
  }

  function authHeader(call: Call): Record<string, string> {
    const auth = call.auth ?? 'tenant';
    if (auth === 'none') return {};
    if (auth === 'bad') return { authorization: 'Bearer not.a.jwt' };
    if (auth === 'cron') return { authorization: `Bearer ${CRON_SECRET}` };
    return { authorization: `Bearer ${tokens[auth]}` };
  }

  it('answers every call with the status and the body shape the document gives', async () => {
    const problems: string[] = [];
    for (const call of calls()) {
      const label = `${call.method} ${call.url} (${call.auth ?? 'tenant'})`;
      const found = operationOf(call.method, call.url);
      if (!found) {
        problems.push(`${label}: no operation in the document`);
        continue;
      }
      const headers: Record<string, string> = {
        ...authHeader(call),
        ...(call.body !== undefined || call.rawBody !== undefined
          ? { 'content-type': 'application/json' }
          : {}),
        ...call.headers,
      };
      const response = await app.inject({
        method: call.method,
        url: call.url,
        headers,
        ...(call.rawBody !== undefined
          ? { payload: call.rawBody }
          : call.body !== undefined
            ? { payload: JSON.stringify(call.body) }
            : {}),
      });
      if (response.statusCode !== call.status) {
        problems.push(
          `${label}: expected ${call.status}, got ${response.statusCode} ${response.body.slice(0, 300)}`,
        );
        continue;
      }
      const statuses = reached.get(found.key) ?? new Set<number>();
      statuses.add(response.statusCode);
      reached.set(found.key, statuses);
      const documented = found.operation.responses[String(response.statusCode)];
      if (!documented) {
        problems.push(
          `${label}: answered ${response.statusCode}, which the document does not list for ${found.key}`,
        );
        continue;
      }
      const content = documented.content;
      if (!content) {
        if (response.body !== '')
          problems.push(`${label}: documented without a body but sent one`);
        continue;
      }
      const [mediaType, media] = Object.entries(content)[0];
      if (!String(response.headers['content-type']).startsWith(mediaType)) {
        problems.push(
          `${label}: content-type ${response.headers['content-type']}, documented ${mediaType}`,
        );
        continue;
      }
      const body =
        mediaType === 'application/json' ? response.json() : response.body;
      const schema = JSON.parse(
        JSON.stringify(media.schema).replace(
          /"#\/components\//g,
          '"doc#/components/',
        ),
      );
      const validate = ajv.compile(schema);
      if (!validate(body))
        problems.push(
          `${label}: body does not match the documented schema: ${ajv.errorsText(validate.errors)}`,
        );
    }
    expect(problems).toEqual([]);
  });

  it('reached every documented operation with a success and (where it has one) an error', () => {
    const problems: string[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const key = `${method.toUpperCase()} ${path}`;
        const statuses = [...(reached.get(key) ?? [])];
        const codes = Object.keys(operation.responses).map(Number);
        if (!statuses.some((status) => status < 300))
          problems.push(`${key}: no success call`);
        if (
          !ERROR_CALL_EXEMPT.has(key) &&
          codes.some((code) => code >= 400 && code < 500) &&
          !statuses.some((status) => status >= 400)
        )
          problems.push(`${key}: no error call`);
      }
    }
    if (problems.length > 0)
      throw new Error(
        `${problems.join('\n')}\nAdd calls for these operations to calls() in apps/api/src/app/contract.spec.ts (a success and an error each).`,
      );
  });
});
