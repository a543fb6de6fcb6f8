import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

import type { Role } from '@flow/contracts';

/** The authenticated tenant of a request, attached by the TenantGuard. */
export interface TenantContext {
  id: string;
  slug: string;
  name: string;
  timezone: string;
  /** The tenant's PostgreSQL schema, `tenant_<slug>`. */
  schema: string;
}

/** Who sent the request: the token's `sub` (null when it has none) and role. */
export interface CallerContext {
  subject: string | null;
  role: Role;
}

export interface RequestWithTenant {
  tenant?: TenantContext;
  caller?: CallerContext;
}

/**
 * Injects the request's tenant. Throws (a 500, loudly) when the TenantGuard did not authorise the request — a route
 * marked public or cron-secret must never read a tenant.
 */
export const CurrentTenant = createParamDecorator(
  (_data: unknown, context: ExecutionContext): TenantContext => {
    const request = context.switchToHttp().getRequest<RequestWithTenant>();
    if (!request.tenant) {
      throw new Error(
        '@CurrentTenant() used on a route that the TenantGuard did not authorise for a tenant',
      );
    }
    return request.tenant;
  },
);

/** Injects the request's caller (subject and role), attached by the TenantGuard with the tenant. */
export const CurrentCaller = createParamDecorator(
  (_data: unknown, context: ExecutionContext): CallerContext => {
    const request = context.switchToHttp().getRequest<RequestWithTenant>();
    if (!request.caller) {
      throw new Error(
        '@CurrentCaller() used on a route that the TenantGuard did not authorise for a tenant',
      );
    }
    return request.caller;
  },
);
