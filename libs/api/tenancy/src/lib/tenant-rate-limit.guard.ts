import {
  CanActivate,
  ExecutionContext,
  HttpException,
  HttpStatus,
  Injectable,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';

import {
  ExpensiveRead,
  RateLimiter,
  type RateLimitBudget,
} from '@flow/api/core';

import type { RequestWithTenant } from './tenant-context';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Per-tenant budgets, after the TenantGuard (registered after it, so `request.tenant` is set): writes
 * (POST/PUT/PATCH/DELETE), expensive reads (`@ExpensiveRead()`: scheduler-status, sql-preview, lineage) and every
 * other read each have a bucket per tenant. An empty bucket → 429 with `Retry-After` and the error shape, before the
 * route runs a query. Routes without a tenant (health, the cron tick, metrics, docs) are never limited here.
 * Each tenant has its own buckets: one tenant at its limit is answered in O(1) and never spends another's budget.
 */
@Injectable()
export class TenantRateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (!this.limiter.enabled) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<RequestWithTenant & { method: string }>();
    const tenant = request.tenant;
    if (!tenant) return true;
    const budget: RateLimitBudget = !READ_METHODS.has(request.method)
      ? 'writes'
      : this.reflector.getAllAndOverride(ExpensiveRead, [
            context.getHandler(),
            context.getClass(),
          ])
        ? 'expensiveReads'
        : 'reads';
    const verdict = this.limiter.take(budget, tenant.id);
    if (verdict.allowed) return true;
    void http
      .getResponse<FastifyReply>()
      .header('retry-after', String(verdict.retryAfterSeconds));
    throw new HttpException(
      this.limiter.tooManyRequests(budget, verdict.retryAfterSeconds, 'tenant'),
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
