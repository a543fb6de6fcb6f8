import { Controller, Delete, Get, Module, Post } from '@nestjs/common';
import { SignJWT } from 'jose';

import type { Role } from '@flow/contracts';

import { createTestApp, TEST_JWT_SECRET, type TestApp } from '../testing';
import { roleSatisfies, rolesSatisfying } from './roles';
import { RequiresRole } from './route-auth.decorator';
import {
  CurrentCaller,
  type CallerContext,
  type TenantContext,
} from './tenant-context';

@Controller('role-probe')
class RoleProbeController {
  @Get()
  read(@CurrentCaller() caller: CallerContext): CallerContext {
    return caller;
  }

  @Post()
  write(): { ok: true } {
    return { ok: true };
  }

  @Delete()
  remove(): { ok: true } {
    return { ok: true };
  }

  /** A POST that only reads (a search with a body): opted down to viewer. */
  @RequiresRole('viewer')
  @Post('search')
  search(): { ok: true } {
    return { ok: true };
  }

  @RequiresRole('admin')
  @Post('admin')
  admin(): { ok: true } {
    return { ok: true };
  }
}

@Module({ controllers: [RoleProbeController] })
class RoleProbeModule {}

describe('roles', () => {
  describe(roleSatisfies.name, () => {
    it.each<[Role, Role, boolean]>([
      ['viewer', 'viewer', true],
      ['viewer', 'editor', false],
      ['editor', 'editor', true],
      ['editor', 'admin', false],
      ['admin', 'editor', true],
      ['admin', 'admin', true],
    ])('%s for a route needing %s → %s', (role, required, expected) => {
      expect(roleSatisfies(role, required)).toBe(expected);
    });

    it('names the roles that satisfy a requirement', () => {
      expect(rolesSatisfying('editor')).toEqual(['editor', 'admin']);
    });
  });

  describe('the guard', () => {
    let t: TestApp;
    let tenant: TenantContext;

    beforeAll(async () => {
      t = await createTestApp([RoleProbeModule]);
      tenant = await t.createTenant('roles-co');
    });

    afterAll(async () => {
      await t.close();
    });

    const call = async (
      method: 'GET' | 'POST' | 'DELETE',
      url: string,
      role: Role | null,
    ) =>
      t.app.inject({
        method,
        url: `/api/v1/role-probe${url}`,
        headers: {
          authorization: `Bearer ${await t.tokenFor(tenant, 600, role)}`,
        },
      });

    it.each<[Role | null, number, number, number, number]>([
      // role, GET, POST, POST search (viewer), POST admin
      [null, 200, 403, 201, 403],
      ['viewer', 200, 403, 201, 403],
      ['editor', 200, 201, 201, 403],
      ['admin', 200, 201, 201, 201],
    ])(
      'role %s: reads %i, writes %i, a read-only POST %i, an admin route %i',
      async (role, read, write, search, admin) => {
        expect((await call('GET', '', role)).statusCode).toBe(read);
        expect((await call('POST', '', role)).statusCode).toBe(write);
        expect((await call('POST', '/search', role)).statusCode).toBe(search);
        expect((await call('POST', '/admin', role)).statusCode).toBe(admin);
      },
    );

    it('treats a token without the role claim as a viewer and exposes the caller', async () => {
      expect((await call('GET', '', null)).json()).toEqual({
        subject: 'test',
        role: 'viewer',
      });
    });

    it("answers a viewer's write with a 403 naming the role it has and the roles it needs", async () => {
      const response = await call('DELETE', '', 'viewer');
      expect(response.statusCode).toBe(403);
      expect(response.json()).toEqual({
        statusCode: 403,
        error: 'Forbidden',
        message:
          "This request needs the editor or admin role; the token's role is viewer",
        details: [
          { path: 'role', message: 'is viewer, needs editor or admin' },
        ],
      });
      expect((await call('POST', '/admin', 'editor')).json().message).toBe(
        "This request needs the admin role; the token's role is editor",
      );
    });

    it('refuses (401) a role claim that is not a role rather than guessing', async () => {
      for (const role of ['root', ['admin'], 1]) {
        const token = await new SignJWT({ tenant_id: tenant.id, role })
          .setProtectedHeader({ alg: 'HS256' })
          .setExpirationTime('10m')
          .sign(new TextEncoder().encode(TEST_JWT_SECRET));
        const response = await t.app.inject({
          method: 'GET',
          url: '/api/v1/role-probe',
          headers: { authorization: `Bearer ${token}` },
        });
        expect(response.statusCode).toBe(401);
        expect(response.json().message).toBe(
          'Invalid bearer token: claim role must be one of viewer, editor, admin',
        );
      }
    });
  });

  describe('AUTH_ROLE_CLAIM', () => {
    let t: TestApp;
    let tenant: TenantContext;

    beforeAll(async () => {
      t = await createTestApp([RoleProbeModule], {
        AUTH_ROLE_CLAIM: 'https://flow.example/role',
      });
      tenant = await t.createTenant('claims-co');
    });

    afterAll(async () => {
      await t.close();
    });

    it('reads the role from the configured claim and ignores `role`', async () => {
      const sign = (claims: Record<string, unknown>) =>
        new SignJWT({ tenant_id: tenant.id, ...claims })
          .setProtectedHeader({ alg: 'HS256' })
          .setExpirationTime('10m')
          .sign(new TextEncoder().encode(TEST_JWT_SECRET));
      const post = async (token: string) =>
        (
          await t.app.inject({
            method: 'POST',
            url: '/api/v1/role-probe',
            headers: { authorization: `Bearer ${token}` },
          })
        ).statusCode;
      expect(
        await post(await sign({ 'https://flow.example/role': 'editor' })),
      ).toBe(201);
      expect(await post(await sign({ role: 'admin' }))).toBe(403);
      expect(await post(await t.tokenFor(tenant, 600, 'admin'))).toBe(201);
    });
  });
});
