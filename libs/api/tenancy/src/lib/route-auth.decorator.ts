import { Reflector } from '@nestjs/core';

import type { Role } from '@flow/contracts';

/** How a route authenticates. Routes without the decorator require a tenant (the default, secure by default). */
export type RouteAuthMode = 'public' | 'cron-secret';

export const RouteAuth = Reflector.createDecorator<RouteAuthMode>();

/** Opt a route out of authentication (health, docs, metrics). */
export const Public = () => RouteAuth('public');

/** The route is called by the external cron service with `Authorization: Bearer <CRON_SECRET>`, never a tenant JWT. */
export const CronSecret = () => RouteAuth('cron-secret');

/**
 * The least role a tenant route needs. Without it the HTTP method decides (DESIGN §12): GET, HEAD and OPTIONS are
 * reads (`viewer`), every other method is a write (`editor`) — so a new write route is protected without anyone
 * remembering to mark it. Mark a POST that only reads with `@RequiresRole('viewer')`, an admin-only route with
 * `@RequiresRole('admin')`.
 */
export const RequiresRole = Reflector.createDecorator<Role>();

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The role a route needs when it does not say: reads for everyone, writes for editors. */
export function defaultRoleFor(method: string): Role {
  return READ_METHODS.has(method.toUpperCase()) ? 'viewer' : 'editor';
}
