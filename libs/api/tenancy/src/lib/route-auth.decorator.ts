import { Reflector } from '@nestjs/core';

/** How a route authenticates. Routes without the decorator require a tenant (the default, secure by default). */
export type RouteAuthMode = 'public' | 'cron-secret';

export const RouteAuth = Reflector.createDecorator<RouteAuthMode>();

/** Opt a route out of authentication (health, docs, metrics). */
export const Public = () => RouteAuth('public');

/** The route is called by the external cron service with `Authorization: Bearer <CRON_SECRET>`, never a tenant JWT. */
export const CronSecret = () => RouteAuth('cron-secret');
