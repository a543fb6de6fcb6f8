import type { FieldError } from '@flow/contracts';

/** A request that breaks a rule of the domain; the global filter answers 400 with every offending field. */
export class ValidationFailedError extends Error {
  constructor(readonly details: FieldError[]) {
    super(
      details.length > 0
        ? `${details[0].path}: ${details[0].message}`
        : 'Invalid request',
    );
    this.name = 'ValidationFailedError';
  }
}

/** The database could not be reached; answered as 503 so callers retry instead of counting a crash. */
export class DatabaseUnavailableError extends Error {
  constructor(cause: unknown) {
    super('Database unavailable', { cause });
    this.name = 'DatabaseUnavailableError';
  }
}

/** The tenant quotas (QUOTA_* variables); each names its variable in the error. */
export type QuotaName =
  | 'pipelinesPerTenant'
  | 'nodesPerIr'
  | 'queuedRunsPerPipeline';

const QUOTA_VARIABLE: Record<QuotaName, string> = {
  pipelinesPerTenant: 'QUOTA_PIPELINES_PER_TENANT',
  nodesPerIr: 'QUOTA_NODES_PER_IR',
  queuedRunsPerPipeline: 'QUOTA_QUEUED_RUNS_PER_PIPELINE',
};

const QUOTA_WHAT: Record<QuotaName, string> = {
  pipelinesPerTenant: 'the tenant has {current} pipelines',
  nodesPerIr: 'the IR has {current} nodes',
  queuedRunsPerPipeline: 'the pipeline has {current} queued runs',
};

/**
 * A write that would go over a quota: 409 when the state is full (pipelines, queued runs: retry once some are gone),
 * 422 when the document itself is too big (nodes of an IR). The message and `details` name the quota, its limit and
 * the current count.
 */
export class QuotaExceededError extends Error {
  readonly status: 409 | 422;

  constructor(
    readonly quota: QuotaName,
    readonly limit: number,
    readonly current: number,
    readonly path: string,
  ) {
    super(
      `Quota ${quota} (${QUOTA_VARIABLE[quota]}) is ${limit}: ${QUOTA_WHAT[quota].replace('{current}', String(current))}`,
    );
    this.name = 'QuotaExceededError';
    this.status = quota === 'nodesPerIr' ? 422 : 409;
  }
}
