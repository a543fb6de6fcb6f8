/** Roles of DESIGN §12; a token without a (known) role claim is a viewer — least privilege. */
export type ConsoleRole = 'viewer' | 'editor' | 'admin';

const ROLES: readonly ConsoleRole[] = ['viewer', 'editor', 'admin'];

/**
 * The role a token claims, read for display only (the api verifies the token and will enforce roles — issue 13).
 * Anything unreadable or unknown reads as `viewer`.
 */
export function roleFromToken(token: string | null): ConsoleRole {
  const claims = token ? decodeJwtPayload(token) : null;
  const role = claims?.['role'];
  return typeof role === 'string' && (ROLES as string[]).includes(role)
    ? (role as ConsoleRole)
    : 'viewer';
}

/** The JWT's payload as JSON, unverified; null when it is not a JWT. */
export function decodeJwtPayload(
  token: string,
): Record<string, unknown> | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
    const json = new TextDecoder().decode(
      Uint8Array.from(atob(padded), (char) => char.charCodeAt(0)),
    );
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
