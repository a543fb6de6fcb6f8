import { Inject, Injectable } from '@nestjs/common';
import {
  createRemoteJWKSet,
  jwtVerify,
  SignJWT,
  type JWTVerifyGetKey,
} from 'jose';

import { FLOW_CONFIG, isUuid, type FlowConfig } from '@flow/api/core';
import { ROLES, type Role } from '@flow/contracts';

export class InvalidTokenError extends Error {}

export interface VerifiedTenantClaims {
  tenantId: string;
  subject: string | null;
  /** From the AUTH_ROLE_CLAIM claim; a token without it is a viewer (least privilege). */
  role: Role;
}

/** A verified token is trusted again for at most this long (and never past its `exp`): rotated keys take effect soon. */
const VERIFIED_CACHE_TTL_MS = 60_000;
const VERIFIED_CACHE_MAX = 10_000;

/**
 * Verifies tenant JWTs with jose: HS256 with AUTH_JWT_SECRET, or RS256/ES256 from AUTH_JWKS_URL. The algorithm
 * list is fixed per mode, which rules out `alg: none` and HS/RS confusion; `exp` and `tenant_id` are required.
 */
@Injectable()
export class JwtVerifier {
  private readonly secret: Uint8Array | null;
  private readonly jwks: JWTVerifyGetKey | null;
  private readonly algorithms: string[];
  /** Signature checks are a measurable share of a request's CPU; a console polls with the same token. */
  private readonly verified = new Map<
    string,
    { claims: VerifiedTenantClaims; validUntil: number }
  >();

  constructor(@Inject(FLOW_CONFIG) private readonly config: FlowConfig) {
    this.secret = config.authJwtSecret
      ? new TextEncoder().encode(config.authJwtSecret)
      : null;
    this.jwks = config.authJwksUrl
      ? createRemoteJWKSet(new URL(config.authJwksUrl))
      : null;
    this.algorithms = this.secret ? ['HS256'] : ['RS256', 'ES256'];
  }

  async verify(token: string): Promise<VerifiedTenantClaims> {
    const now = Date.now();
    const cached = this.verified.get(token);
    if (cached && cached.validUntil > now) return cached.claims;
    const { claims, expiresAt } = await this.verifyUncached(token);
    if (this.verified.size >= VERIFIED_CACHE_MAX) this.verified.clear();
    this.verified.set(token, {
      claims,
      validUntil: Math.min(expiresAt, now + VERIFIED_CACHE_TTL_MS),
    });
    return claims;
  }

  private async verifyUncached(
    token: string,
  ): Promise<{ claims: VerifiedTenantClaims; expiresAt: number }> {
    const options = {
      algorithms: this.algorithms,
      requiredClaims: ['exp', 'tenant_id'],
      clockTolerance: 5,
      ...(this.config.authIssuer ? { issuer: this.config.authIssuer } : {}),
      ...(this.config.authAudience
        ? { audience: this.config.authAudience }
        : {}),
    };
    let payload: Record<string, unknown>;
    try {
      if (this.secret)
        payload = (await jwtVerify(token, this.secret, options)).payload;
      else if (this.jwks)
        payload = (await jwtVerify(token, this.jwks, options)).payload;
      else
        throw new InvalidTokenError('tenant authentication is not configured');
    } catch (error) {
      throw error instanceof InvalidTokenError
        ? error
        : new InvalidTokenError(describeJoseError(error));
    }
    const tenantId = payload['tenant_id'];
    if (typeof tenantId !== 'string' || !isUuid(tenantId))
      throw new InvalidTokenError('claim tenant_id must be a tenant id (uuid)');
    return {
      claims: {
        tenantId: tenantId.toLowerCase(),
        subject: typeof payload['sub'] === 'string' ? payload['sub'] : null,
        role: readRole(payload, this.config.authRoleClaim),
      },
      expiresAt: Number(payload['exp']) * 1000,
    };
  }
}

/** Absent → viewer; a value that is not a role is refused rather than guessed (a typo must not grant or hide rights). */
function readRole(payload: Record<string, unknown>, claim: string): Role {
  const value = payload[claim];
  if (value === undefined) return 'viewer';
  if (typeof value === 'string' && (ROLES as readonly string[]).includes(value))
    return value as Role;
  throw new InvalidTokenError(
    `claim ${claim} must be one of ${ROLES.join(', ')}`,
  );
}

function describeJoseError(error: unknown): string {
  const code = (error as { code?: string } | null)?.code;
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'token expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return `token claim invalid: ${(error as Error).message}`;
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'token algorithm not allowed';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'token signature invalid';
    default:
      return 'token invalid';
  }
}

export interface TenantTokenOptions {
  /** `sub`; default `flow-cli`. */
  subject?: string;
  /** The role claim's value; null leaves the claim out (the token is then a viewer's). Default `editor`. */
  role?: Role | null;
  /** The claim's name (AUTH_ROLE_CLAIM); default `role`. */
  roleClaim?: string;
}

/** Mints HS256 tenant tokens (the CLI's `token` command and tests). */
export async function signTenantToken(
  secret: string,
  tenantId: string,
  ttlSeconds: number,
  {
    subject = 'flow-cli',
    role = 'editor',
    roleClaim = 'role',
  }: TenantTokenOptions = {},
): Promise<string> {
  return new SignJWT({
    tenant_id: tenantId,
    ...(role === null ? {} : { [roleClaim]: role }),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(subject)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}
