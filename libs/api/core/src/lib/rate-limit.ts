import { Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';

import type { ErrorResponse } from '@flow/contracts';

import { FLOW_CONFIG, type FlowConfig, type RateLimitConfig } from './config';

/** The budgets a request can draw on (docs/reliability.md, "Rate limits"). */
export type RateLimitBudget =
  | 'writes'
  | 'expensiveReads'
  | 'reads'
  | 'unauthenticated';

const BUDGET_LABEL: Record<RateLimitBudget, string> = {
  writes: 'writes',
  expensiveReads: 'expensive reads',
  reads: 'reads',
  unauthenticated: 'unauthenticated requests',
};

/** Marks a read whose cost is a query over many rows (scheduler-status, sql-preview, lineage): its own budget. */
export const ExpensiveRead = Reflector.createDecorator<true>({
  transform: () => true,
});

/** Keys kept per budget before the oldest is forgotten (a forgotten key starts again with a full bucket). */
const MAX_KEYS = 50_000;

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export type TakeResult =
  | { allowed: true }
  | { allowed: false; retryAfterSeconds: number };

/**
 * Token buckets, one per key: `capacity` requests at once, refilled continuously at `capacity / windowSeconds` per
 * second. In memory and per process (each replica enforces its own budget). O(1) per request; at most `maxKeys`
 * keys (the oldest is dropped first), so a flood of distinct keys cannot grow memory.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly refillPerMs: number;

  constructor(
    readonly capacity: number,
    readonly windowSeconds: number,
    private readonly now: () => number = () => performance.now(),
    private readonly maxKeys = MAX_KEYS,
  ) {
    this.refillPerMs = capacity / (windowSeconds * 1000);
  }

  private refill(key: string): Bucket {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
      bucket = { tokens: this.capacity, updatedAt: now };
      this.buckets.set(key, bucket);
      return bucket;
    }
    bucket.tokens = Math.min(
      this.capacity,
      bucket.tokens + (now - bucket.updatedAt) * this.refillPerMs,
    );
    bucket.updatedAt = now;
    return bucket;
  }

  private denied(bucket: Bucket): TakeResult {
    return {
      allowed: false,
      retryAfterSeconds: Math.max(
        1,
        Math.ceil((1 - bucket.tokens) / this.refillPerMs / 1000),
      ),
    };
  }

  /** Spends one token when there is one. */
  take(key: string): TakeResult {
    const bucket = this.refill(key);
    if (bucket.tokens < 1) return this.denied(bucket);
    bucket.tokens -= 1;
    return { allowed: true };
  }

  /** Whether a request would be refused now, without spending (the failed-authentication budget is spent after). */
  check(key: string): TakeResult {
    const bucket = this.refill(key);
    return bucket.tokens < 1 ? this.denied(bucket) : { allowed: true };
  }

  /** Spends one token after the fact (the bucket floors at 0). */
  spend(key: string): void {
    const bucket = this.refill(key);
    bucket.tokens = Math.max(0, bucket.tokens - 1);
  }

  get size(): number {
    return this.buckets.size;
  }
}

/** The process's rate limiter: one set of buckets per budget, sized from the configuration. */
@Injectable()
export class RateLimiter {
  readonly enabled: boolean;
  private readonly buckets: Record<RateLimitBudget, TokenBuckets>;

  constructor(@Inject(FLOW_CONFIG) config: FlowConfig) {
    const limits: RateLimitConfig = config.rateLimits;
    this.enabled = limits.enabled;
    const make = (capacity: number) =>
      new TokenBuckets(capacity, limits.windowSeconds);
    this.buckets = {
      writes: make(limits.writes),
      expensiveReads: make(limits.expensiveReads),
      reads: make(limits.reads),
      unauthenticated: make(limits.unauthenticated),
    };
  }

  take(budget: RateLimitBudget, key: string): TakeResult {
    return this.enabled ? this.buckets[budget].take(key) : { allowed: true };
  }

  check(budget: RateLimitBudget, key: string): TakeResult {
    return this.enabled ? this.buckets[budget].check(key) : { allowed: true };
  }

  spend(budget: RateLimitBudget, key: string): void {
    if (this.enabled) this.buckets[budget].spend(key);
  }

  /** The 429 body: the error shape, naming the budget, its size and when to retry. */
  tooManyRequests(
    budget: RateLimitBudget,
    retryAfterSeconds: number,
    per: 'tenant' | 'client address',
  ): ErrorResponse {
    const bucket = this.buckets[budget];
    return {
      statusCode: 429,
      error: 'Too Many Requests',
      message: `Rate limit for ${BUDGET_LABEL[budget]} reached (${bucket.capacity} per ${bucket.windowSeconds} s per ${per}); retry after ${retryAfterSeconds} s`,
    };
  }
}

/** Writes the 429 with `Retry-After` (seconds) directly (used before Nest's pipeline, in a Fastify hook). */
export function sendTooManyRequests(
  reply: FastifyReply,
  body: ErrorResponse,
  retryAfterSeconds: number,
): FastifyReply {
  return reply
    .status(429)
    .header('retry-after', String(retryAfterSeconds))
    .header('content-type', 'application/json; charset=utf-8')
    .send(body);
}
