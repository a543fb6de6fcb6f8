import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Controller, Get, Module } from '@nestjs/common';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';

import {
  createTestApp,
  TEST_CRON_SECRET,
  TEST_JWT_SECRET,
  type TestApp,
} from '../testing';
import { CronSecret, Public } from './route-auth.decorator';
import { CurrentTenant, type TenantContext } from './tenant-context';

@Controller('probe')
class ProbeController {
  @Get('tenant')
  tenant(@CurrentTenant() tenant: TenantContext): {
    slug: string;
    schema: string;
  } {
    return { slug: tenant.slug, schema: tenant.schema };
  }

  @Public()
  @Get('public')
  open(): { ok: true } {
    return { ok: true };
  }

  @CronSecret()
  @Get('cron')
  cron(): { ok: true } {
    return { ok: true };
  }

  /** A public route that wrongly asks for a tenant: must fail loudly, never serve an undefined tenant. */
  @Public()
  @Get('misused')
  misused(@CurrentTenant() tenant: TenantContext): { slug: string } {
    return { slug: tenant.slug };
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

const secretKey = new TextEncoder().encode(TEST_JWT_SECRET);
const nowSeconds = () => Math.floor(Date.now() / 1000);

function hs256(
  claims: Record<string, unknown>,
  key: Uint8Array = secretKey,
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', ...header })
    .sign(key);
}

function unsignedToken(claims: Record<string, unknown>): string {
  const encode = (value: unknown) =>
    Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`;
}

describe('TenantGuard', () => {
  let t: TestApp;
  let tenant: TenantContext;

  beforeAll(async () => {
    t = await createTestApp([ProbeModule]);
    tenant = await t.createTenant('acme-co', 'Europe/Berlin');
  });

  afterAll(async () => {
    await t.close();
  });

  const get = (url: string, authorization?: string) =>
    t.app.inject({
      method: 'GET',
      url,
      headers: authorization ? { authorization } : {},
    });

  describe('tenant routes', () => {
    it('accepts a valid HS256 token and exposes the tenant with its schema', async () => {
      const response = await get(
        '/api/v1/probe/tenant',
        `Bearer ${await t.tokenFor(tenant)}`,
      );
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        slug: 'acme-co',
        schema: 'tenant_acme_co',
      });
    });

    it.each([
      ['no Authorization header', async () => undefined],
      [
        'a non-Bearer scheme',
        async () => `Basic ${Buffer.from('a:b').toString('base64')}`,
      ],
      [
        'alg none',
        async () =>
          `Bearer ${unsignedToken({ tenant_id: tenant.id, exp: nowSeconds() + 600 })}`,
      ],
      [
        'a token signed with the wrong key',
        async () =>
          `Bearer ${await hs256({ tenant_id: tenant.id, exp: nowSeconds() + 600 }, new TextEncoder().encode('another-secret-of-sufficient-size'))}`,
      ],
      [
        'an expired token',
        async () =>
          `Bearer ${await hs256({ tenant_id: tenant.id, exp: nowSeconds() - 60 })}`,
      ],
      [
        'a token not yet valid',
        async () =>
          `Bearer ${await hs256({ tenant_id: tenant.id, exp: nowSeconds() + 600, nbf: nowSeconds() + 300 })}`,
      ],
      [
        'a token without exp',
        async () => `Bearer ${await hs256({ tenant_id: tenant.id })}`,
      ],
      [
        'a token without tenant_id',
        async () =>
          `Bearer ${await hs256({ sub: 'x', exp: nowSeconds() + 600 })}`,
      ],
      [
        'a tenant_id that is not an id',
        async () =>
          `Bearer ${await hs256({ tenant_id: 'acme-co', exp: nowSeconds() + 600 })}`,
      ],
      [
        'a tampered payload',
        async () => {
          const [header, , signature] = (await t.tokenFor(tenant)).split('.');
          const payload = Buffer.from(
            JSON.stringify({
              tenant_id: '00000000-0000-4000-8000-000000000000',
              exp: nowSeconds() + 600,
            }),
          ).toString('base64url');
          return `Bearer ${header}.${payload}.${signature}`;
        },
      ],
      ['garbage', async () => 'Bearer not.a.jwt'],
    ])('answers 401 for %s', async (_case, authorization) => {
      const response = await get('/api/v1/probe/tenant', await authorization());
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({
        statusCode: 401,
        error: 'Unauthorized',
      });
    });

    it('keeps refusing a token after its exp even though verified tokens are cached', async () => {
      const token = await hs256({
        tenant_id: tenant.id,
        exp: nowSeconds() + 30,
      });
      expect(
        (await get('/api/v1/probe/tenant', `Bearer ${token}`)).statusCode,
      ).toBe(200);
      // Only the clock moves (timers stay real, so the database driver is unaffected).
      jest.useFakeTimers({
        doNotFake: [
          'nextTick',
          'setImmediate',
          'clearImmediate',
          'setInterval',
          'clearInterval',
          'setTimeout',
          'clearTimeout',
          'queueMicrotask',
          'hrtime',
          'performance',
        ],
      });
      try {
        jest.setSystemTime(Date.now() + 40_000); // past exp and the 5 s clock tolerance
        expect(
          (await get('/api/v1/probe/tenant', `Bearer ${token}`)).statusCode,
        ).toBe(401);
      } finally {
        jest.useRealTimers();
      }
    });

    it('answers 401 for a token in the query string (tokens are read from the header only)', async () => {
      const response = await get(
        `/api/v1/probe/tenant?access_token=${await t.tokenFor(tenant)}`,
      );
      expect(response.statusCode).toBe(401);
    });

    it('answers 403 for a valid token of a tenant that does not exist', async () => {
      const response = await get(
        '/api/v1/probe/tenant',
        `Bearer ${await hs256({ tenant_id: '6f1c2d3e-4b5a-4c6d-8e7f-8091a2b3c4d5', exp: nowSeconds() + 600 })}`,
      );
      expect(response.statusCode).toBe(403);
      expect(response.json().message).toBe('Unknown tenant');
    });
  });

  describe('opt-outs', () => {
    it('lets public routes through without a token', async () => {
      expect((await get('/api/v1/probe/public')).statusCode).toBe(200);
    });

    it('fails loudly (500, no tenant served) when a route reads the tenant without the guard having set one', async () => {
      const response = await get(
        '/api/v1/probe/misused',
        `Bearer ${await t.tokenFor(tenant)}`,
      );
      expect(response.statusCode).toBe(500);
      expect(response.json()).toEqual({
        statusCode: 500,
        error: 'Internal Server Error',
        message: 'Internal server error',
      });
    });

    it('accepts the CRON_SECRET on cron-secret routes and refuses everything else there, tenant JWTs included', async () => {
      expect(
        (await get('/api/v1/probe/cron', `Bearer ${TEST_CRON_SECRET}`))
          .statusCode,
      ).toBe(200);
      expect((await get('/api/v1/probe/cron')).statusCode).toBe(401);
      expect(
        (await get('/api/v1/probe/cron', `Bearer ${TEST_CRON_SECRET}x`))
          .statusCode,
      ).toBe(401);
      expect(
        (await get('/api/v1/probe/cron', `Bearer ${await t.tokenFor(tenant)}`))
          .statusCode,
      ).toBe(401);
    });
  });
});

describe('TenantGuard with AUTH_JWKS_URL (RS256/ES256)', () => {
  let t: TestApp;
  let tenant: TenantContext;
  let server: Server;
  let rsaPrivate: CryptoKey;
  let ecPrivate: CryptoKey;
  let rsaPublicJwk: JWK;

  beforeAll(async () => {
    const rsa = await generateKeyPair('RS256', { extractable: true });
    const ec = await generateKeyPair('ES256', { extractable: true });
    rsaPrivate = rsa.privateKey as CryptoKey;
    ecPrivate = ec.privateKey as CryptoKey;
    rsaPublicJwk = {
      ...(await exportJWK(rsa.publicKey)),
      kid: 'rsa-1',
      alg: 'RS256',
      use: 'sig',
    };
    const keys = [
      rsaPublicJwk,
      {
        ...(await exportJWK(ec.publicKey)),
        kid: 'ec-1',
        alg: 'ES256',
        use: 'sig',
      },
    ];
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) =>
      server.listen(0, '127.0.0.1', resolve),
    );
    const { port } = server.address() as AddressInfo;
    t = await createTestApp([ProbeModule], {
      AUTH_JWT_SECRET: '',
      AUTH_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    });
    tenant = await t.createTenant('jwks-tenant');
  });

  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => server.close(resolve));
  });

  const claims = () => ({ tenant_id: tenant.id, exp: nowSeconds() + 600 });

  it('accepts RS256 and ES256 tokens signed by a key from the JWKS', async () => {
    const rs = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
      .sign(rsaPrivate);
    const es = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'ES256', kid: 'ec-1' })
      .sign(ecPrivate);
    for (const token of [rs, es]) {
      const response = await t.app.inject({
        method: 'GET',
        url: '/api/v1/probe/tenant',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.statusCode).toBe(200);
    }
  });

  it('refuses HS/RS confusion: an HS256 token keyed with the public key', async () => {
    const publicKeyAsSecret = new TextEncoder().encode(
      JSON.stringify(rsaPublicJwk),
    );
    const token = await hs256(claims(), publicKeyAsSecret, { kid: 'rsa-1' });
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/v1/probe/tenant',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode).toBe(401);
  });

  it('refuses a token signed by a key that is not in the JWKS', async () => {
    const stranger = await generateKeyPair('RS256');
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
      .sign(stranger.privateKey);
    const response = await t.app.inject({
      method: 'GET',
      url: '/api/v1/probe/tenant',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode).toBe(401);
  });
});
