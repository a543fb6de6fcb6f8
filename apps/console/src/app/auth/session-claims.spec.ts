import { decodeJwtPayload, roleFromToken } from './session-claims';

/** An unsigned JWT with the given payload (the console never verifies; the api does). */
const jwt = (payload: object) =>
  `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;

describe(roleFromToken.name, () => {
  it.each([
    [{ role: 'admin' }, 'admin'],
    [{ role: 'editor' }, 'editor'],
    [{ role: 'viewer' }, 'viewer'],
    [{}, 'viewer'],
    [{ role: 'root' }, 'viewer'],
    [{ role: ['admin'] }, 'viewer'],
  ])('reads %j as %s', (payload, role) => {
    expect(roleFromToken(jwt(payload))).toBe(role);
  });

  it('reads no token and a malformed one as viewer', () => {
    expect(roleFromToken(null)).toBe('viewer');
    expect(roleFromToken('not-a-jwt')).toBe('viewer');
    expect(roleFromToken('a.%%%.c')).toBe('viewer');
  });
});

describe(decodeJwtPayload.name, () => {
  it('decodes base64url payloads with non-ASCII text', () => {
    expect(decodeJwtPayload(jwt({ sub: 'zoë', tenant_id: 'x' }))).toEqual({
      sub: 'zoë',
      tenant_id: 'x',
    });
  });
});
