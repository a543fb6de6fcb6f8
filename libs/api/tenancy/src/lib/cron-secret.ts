import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a presented bearer with CRON_SECRET in constant time: both sides are hashed to equal-length digests
 * first, so neither the content nor the length of the secret leaks through timing.
 */
export function cronSecretMatches(
  presented: string | null,
  secret: string | null,
): boolean {
  if (!presented || !secret) return false;
  const digest = (value: string) =>
    createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(secret));
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(
  header: string | string[] | undefined,
): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value ?? '');
  return match ? match[1] : null;
}
