import { ConfigError, loadConfig } from './config';

const BASE = {
  DATABASE_URL: 'postgres://flow@localhost/flow',
  CRON_SECRET: 'cron-secret-0123456789',
  AUTH_JWT_SECRET: 'jwt-secret-0123456789',
};

describe(loadConfig.name, () => {
  describe('AUTH_ROLE_CLAIM', () => {
    it('defaults to role', () => {
      expect(loadConfig(BASE).authRoleClaim).toBe('role');
    });

    it.each(['roles', 'https://flow.example/role', 'flow:role', 'x_y-z.w'])(
      'accepts %s',
      (claim) => {
        expect(
          loadConfig({ ...BASE, AUTH_ROLE_CLAIM: claim }).authRoleClaim,
        ).toBe(claim);
      },
    );

    it.each(['sub', 'tenant_id', 'exp', 'a b', 'role!', 'x'.repeat(201)])(
      'refuses %s at boot, naming the variable',
      (claim) => {
        expect(() => loadConfig({ ...BASE, AUTH_ROLE_CLAIM: claim })).toThrow(
          ConfigError,
        );
        expect(() => loadConfig({ ...BASE, AUTH_ROLE_CLAIM: claim })).toThrow(
          /AUTH_ROLE_CLAIM=/,
        );
      },
    );
  });
});
