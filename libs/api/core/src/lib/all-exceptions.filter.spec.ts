import { Body, Controller, Module, Post } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { loadConfig } from './config';
import { FlowConfigModule } from './config.module';
import { createHttpApp } from './http-app';

@Controller('echo')
class EchoController {
  @Post()
  echo(@Body() body: unknown): unknown {
    return body;
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

/** Body-parser rejections name the body as the offending field, like every other 400 (found by the hostile-input suite). */
describe('AllExceptionsFilter: body parser errors', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://localhost/unused',
      CRON_SECRET: 'x'.repeat(16),
      AUTH_JWT_SECRET: 'y'.repeat(16),
      BODY_LIMIT_BYTES: '2048',
    });
    app = await createHttpApp(
      {
        module: class Root {},
        imports: [FlowConfigModule.forRoot(config), EchoModule],
      },
      config,
      { logger: false, openApi: false },
    );
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app.close();
  });

  it.each([
    ['invalid JSON', 'application/json', '{"name":', 400],
    [
      'a __proto__ key',
      'application/json',
      '{"__proto__":{"polluted":true}}',
      400,
    ],
    [
      'a constructor.prototype key',
      'application/json',
      '{"constructor":{"prototype":{"polluted":true}}}',
      400,
    ],
    [
      'a body over the limit',
      'application/json',
      JSON.stringify({ name: 'x'.repeat(4096) }),
      413,
    ],
    ['an unsupported media type', 'text/xml', '<name>x</name>', 415],
    [
      'a form body (the API speaks JSON only)',
      'application/x-www-form-urlencoded',
      'name=x',
      415,
    ],
  ])(
    'answers %s with the error shape and details naming the body',
    async (_case, contentType, payload, status) => {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/echo',
        headers: { 'content-type': contentType },
        payload,
      });
      expect(response.statusCode).toBe(status);
      const body = response.json();
      expect(body).toMatchObject({
        statusCode: status,
        error: expect.any(String),
        message: expect.any(String),
      });
      expect(body.details).toEqual([{ path: 'body', message: body.message }]);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    },
  );

  it('hands an empty JSON body to the route as no body (cron callers send one with the tick)', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/echo',
      headers: { 'content-type': 'application/json' },
      payload: '',
    });
    expect(response.statusCode).toBe(201);
    expect(response.body).toBe('');
  });

  it('leaves a valid body alone', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/echo',
      payload: { name: 'ok' },
    });
    expect(response.json()).toEqual({ name: 'ok' });
  });
});
