import type { FlowConfig } from '@flow/api/core';

/** Tuning of the worker and the reaper. Defaults suit the embedded setup; see docs/runs.md. */
export interface WorkerOptions {
  /** Run the poll loop and the reaper in this process (`WORKER_ENABLED`). */
  enabled: boolean;
  /** Runs executed at the same time by this process (`WORKER_CONCURRENCY`). */
  concurrency: number;
  /** Pause between polls when the queue was empty. */
  pollIntervalMs: number;
  /** How often a running execution refreshes `heartbeat_at`. */
  heartbeatIntervalMs: number;
  /** A running run whose heartbeat is older than this is presumed dead and reaped. */
  heartbeatExpiryMs: number;
  /** How often the reaper looks for expired heartbeats. */
  reapIntervalMs: number;
  /** Attempts before a run is `failed` for good (the first execution is attempt 1). */
  maxAttempts: number;
  /** Backoff before attempt n+1: `backoffBaseMs · 2^(n-1)`, at most `backoffMaxMs`. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** `SET LOCAL statement_timeout` of a run's transaction. */
  statementTimeoutMs: number;
  /** On shutdown, how long to wait for running executions before abandoning them to the reaper. */
  shutdownGraceMs: number;
}

export const WORKER_OPTIONS = Symbol('WORKER_OPTIONS');

export const DEFAULT_WORKER_OPTIONS: Omit<
  WorkerOptions,
  'enabled' | 'concurrency'
> = {
  pollIntervalMs: 1_000,
  heartbeatIntervalMs: 10_000,
  heartbeatExpiryMs: 30_000,
  reapIntervalMs: 10_000,
  maxAttempts: 3,
  backoffBaseMs: 30_000,
  backoffMaxMs: 10 * 60_000,
  statementTimeoutMs: 5 * 60_000,
  shutdownGraceMs: 25_000,
};

export function workerOptions(
  config: FlowConfig,
  overrides: Partial<WorkerOptions> = {},
): WorkerOptions {
  const options: WorkerOptions = {
    enabled: config.workerEnabled,
    concurrency: config.workerConcurrency,
    ...DEFAULT_WORKER_OPTIONS,
    ...overrides,
  };
  if (options.heartbeatIntervalMs * 2 > options.heartbeatExpiryMs) {
    throw new Error(
      'worker options: heartbeatExpiryMs must be at least twice heartbeatIntervalMs, or live runs get reaped',
    );
  }
  if (options.maxAttempts < 1)
    throw new Error('worker options: maxAttempts must be at least 1');
  return options;
}

/** Delay before the next attempt after attempt `attempt` failed. */
export function backoffMs(
  options: Pick<WorkerOptions, 'backoffBaseMs' | 'backoffMaxMs'>,
  attempt: number,
): number {
  return Math.min(
    options.backoffBaseMs * 2 ** Math.max(0, attempt - 1),
    options.backoffMaxMs,
  );
}
