/**
 * Flow's configuration, declared once (DESIGN §9). `loadConfig` reads the environment, applies defaults and
 * validates every variable; a bad value throws a `ConfigError` naming the variable and what is expected, and the
 * process stops before anything starts. Nothing else reads `process.env`.
 */
export type LogLevel =
  | 'fatal'
  | 'error'
  | 'warn'
  | 'info'
  | 'debug'
  | 'trace'
  | 'silent';

export interface FlowConfig {
  /** null → embedded PostgreSQL in `dataDir`. */
  databaseUrl: string | null;
  dataDir: string;
  port: number;
  host: string;
  cronSecret: string | null;
  authJwtSecret: string | null;
  authJwksUrl: string | null;
  /** Issue and check `iss`/`aud` only when set. */
  authIssuer: string | null;
  authAudience: string | null;
  /** The JWT claim that carries the caller's role (DESIGN §12); e.g. a namespaced `https://example.com/role`. */
  authRoleClaim: string;
  schedulerInternalTick: boolean;
  workerEnabled: boolean;
  workerConcurrency: number;
  logLevel: LogLevel;
  /** `LOG_FORMAT`: `json` (one object a line), `pretty` (pino-pretty), or `auto`: pretty when stdout is a terminal. */
  logFormat: 'auto' | 'json' | 'pretty';
  dbPoolSize: number;
  /** Largest accepted request body. */
  bodyLimitBytes: number;
  /** Where the built console lives; null → next to the api bundle. */
  consoleDir: string | null;
  /** When false, `/metrics` needs the CRON_SECRET bearer. */
  metricsPublic: boolean;
  /** `FLOW_STREAMING_ENABLED`: stream sources are accepted and the stream worker runs in-process (DESIGN §16). */
  streamingEnabled: boolean;
  /** `STREAM_WORKER_ENABLED`: with streaming on, run the stream worker inside the api process. */
  streamWorkerEnabled: boolean;
  /** The NATS server(s) with JetStream, e.g. `nats://127.0.0.1:4222`. */
  natsUrl: string;
  /** A micro-batch holds at most this many messages… */
  streamBatchMax: number;
  /** …or what arrived within this many milliseconds. */
  streamBatchMs: number;
  /** The landing zone: each tenant's files arrive in `<landingDir>/<tenant slug>/` (DESIGN §15). */
  landingDir: string;
  /** A file counts as arrived once its size has not changed for this long (it may still be being written). */
  fileSettleMs: number;
  /** Run the source watcher in this process (`FILE_WATCHER_ENABLED`; default in embedded mode). */
  fileWatcherEnabled: boolean;
  /** How often the watcher scans the landing zone. */
  fileWatcherPollMs: number;
  /** Served over TLS (directly or behind a TLS-terminating proxy): send HSTS and `upgrade-insecure-requests`. */
  servedOverTls: boolean;
  /** HSTS `max-age` when `servedOverTls`. */
  hstsMaxAgeSeconds: number;
  rateLimits: RateLimitConfig;
  quotas: QuotaConfig;
}

/**
 * Per-tenant request budgets (token buckets: `budget` requests per `windowSeconds`, refilled continuously). Requests
 * without a verified tenant (failed authentication) are counted per client IP. See docs/reliability.md.
 */
export interface RateLimitConfig {
  enabled: boolean;
  windowSeconds: number;
  /** POST/PUT/PATCH/DELETE per tenant. */
  writes: number;
  /** scheduler-status, sql-preview, lineage per tenant. */
  expensiveReads: number;
  /** Every other tenant request. */
  reads: number;
  /** Requests that fail authentication (401/403), per client IP. */
  unauthenticated: number;
}

/** Tenant quotas (DESIGN: over quota → 409 naming the quota and the current count). */
export interface QuotaConfig {
  pipelinesPerTenant: number;
  nodesPerIr: number;
  queuedRunsPerPipeline: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

export const FLOW_CONFIG = Symbol('FLOW_CONFIG');

const LOG_LEVELS: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];
const MIN_SECRET_LENGTH = 16;
/** A claim name: letters, digits and `_ - . : /` (namespaced claims are URLs). */
const CLAIM_NAME = /^[A-Za-z0-9_.:/-]{1,200}$/;
/** Claims with a meaning of their own: a role read from one of them would be a misconfiguration. */
const RESERVED_CLAIMS = [
  'iss',
  'sub',
  'aud',
  'exp',
  'nbf',
  'iat',
  'jti',
  'tenant_id',
];

type Env = Record<string, string | undefined>;

class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === ''
      ? undefined
      : value.trim();
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optional(name: string): string | null {
    return this.raw(name) ?? null;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = /^\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      this.problems.push(
        `${name}="${value}": expected an integer from ${min} to ${max}`,
      );
      return fallback;
    }
    return parsed;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['true', '1', 'yes'].includes(value)) return true;
    if (['false', '0', 'no'].includes(value)) return false;
    this.problems.push(`${name}="${this.raw(name)}": expected true or false`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(
      `${name}="${value}": expected one of ${allowed.join(', ')}`,
    );
    return fallback;
  }

  url(name: string, protocols: readonly string[]): string | null {
    const value = this.raw(name);
    if (value === undefined) return null;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) throw new Error('protocol');
      return value;
    } catch {
      this.problems.push(
        `${name}: expected a ${protocols.map((p) => p.replace(':', '://')).join(' or ')} URL`,
      );
      return null;
    }
  }

  claimName(name: string, fallback: string): string {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!CLAIM_NAME.test(value) || RESERVED_CLAIMS.includes(value)) {
      this.problems.push(
        `${name}="${value}": expected a JWT claim name (letters, digits, _ - . : /) other than ${RESERVED_CLAIMS.join(', ')}`,
      );
      return fallback;
    }
    return value;
  }

  secret(name: string): string | null {
    const value = this.raw(name);
    if (value !== undefined && value.length < MIN_SECRET_LENGTH) {
      this.problems.push(
        `${name}: expected at least ${MIN_SECRET_LENGTH} characters`,
      );
    }
    return value ?? null;
  }
}

/** Reads and validates the configuration; throws `ConfigError` listing every bad variable at once. */
export function loadConfig(env: Env): FlowConfig {
  const read = new EnvReader(env);
  const databaseUrl = read.url('DATABASE_URL', ['postgres:', 'postgresql:']);
  const embedded = read.raw('DATABASE_URL') === undefined;
  const dataDir = read.string('FLOW_DATA_DIR', '.data');
  const config: FlowConfig = {
    databaseUrl,
    dataDir,
    port: read.integer('PORT', 3000, 0, 65535),
    host: read.string('HOST', embedded ? '127.0.0.1' : '0.0.0.0'),
    cronSecret: read.secret('CRON_SECRET'),
    authJwtSecret: read.secret('AUTH_JWT_SECRET'),
    authJwksUrl: read.url('AUTH_JWKS_URL', ['https:', 'http:']),
    authIssuer: read.optional('AUTH_ISSUER'),
    authAudience: read.optional('AUTH_AUDIENCE'),
    authRoleClaim: read.claimName('AUTH_ROLE_CLAIM', 'role'),
    schedulerInternalTick: read.boolean('SCHEDULER_INTERNAL_TICK', embedded),
    workerEnabled: read.boolean('WORKER_ENABLED', true),
    workerConcurrency: read.integer('WORKER_CONCURRENCY', 2, 1, 64),
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    logFormat: read.oneOf(
      'LOG_FORMAT',
      ['auto', 'json', 'pretty'] as const,
      'auto',
    ),
    dbPoolSize: read.integer('DB_POOL_SIZE', 10, 2, 200),
    bodyLimitBytes: read.integer(
      'BODY_LIMIT_BYTES',
      1_048_576,
      1024,
      50 * 1_048_576,
    ),
    consoleDir: read.optional('CONSOLE_DIR'),
    metricsPublic: read.boolean('METRICS_PUBLIC', true),
    streamingEnabled: read.boolean('FLOW_STREAMING_ENABLED', false),
    streamWorkerEnabled: read.boolean('STREAM_WORKER_ENABLED', true),
    natsUrl: read.url('NATS_URL', ['nats:', 'tls:']) ?? 'nats://127.0.0.1:4222',
    streamBatchMax: read.integer('STREAM_BATCH_MAX', 2000, 1, 50_000),
    streamBatchMs: read.integer('STREAM_BATCH_MS', 200, 1, 60_000),
    landingDir: read.string('FLOW_LANDING_DIR', `${dataDir}/landing`),
    fileSettleMs: read.integer('FILE_SETTLE_MS', 2_000, 0, 600_000),
    fileWatcherEnabled: read.boolean('FILE_WATCHER_ENABLED', embedded),
    fileWatcherPollMs: read.integer('FILE_WATCHER_POLL_MS', 1_000, 50, 60_000),
    servedOverTls: read.boolean('SERVED_OVER_TLS', false),
    hstsMaxAgeSeconds: read.integer(
      'HSTS_MAX_AGE_SECONDS',
      31_536_000,
      0,
      63_072_000,
    ),
    rateLimits: {
      enabled: read.boolean('RATE_LIMIT_ENABLED', true),
      windowSeconds: read.integer('RATE_LIMIT_WINDOW_SECONDS', 10, 1, 3600),
      writes: read.integer('RATE_LIMIT_WRITES', 1_000, 1, 10_000_000),
      expensiveReads: read.integer(
        'RATE_LIMIT_EXPENSIVE_READS',
        15_000,
        1,
        10_000_000,
      ),
      reads: read.integer('RATE_LIMIT_READS', 30_000, 1, 10_000_000),
      unauthenticated: read.integer(
        'RATE_LIMIT_UNAUTHENTICATED',
        1_000,
        1,
        10_000_000,
      ),
    },
    quotas: {
      pipelinesPerTenant: read.integer(
        'QUOTA_PIPELINES_PER_TENANT',
        10_000,
        1,
        1_000_000,
      ),
      nodesPerIr: read.integer('QUOTA_NODES_PER_IR', 200, 2, 10_000),
      queuedRunsPerPipeline: read.integer(
        'QUOTA_QUEUED_RUNS_PER_PIPELINE',
        100,
        1,
        100_000,
      ),
    },
  };
  if (config.authJwtSecret && config.authJwksUrl) {
    read.problems.push(
      'AUTH_JWT_SECRET and AUTH_JWKS_URL: set one of them, not both',
    );
  }
  if (!embedded) {
    // Embedded mode generates missing secrets in the data dir; a real deployment must provide them.
    if (!config.cronSecret && read.raw('CRON_SECRET') === undefined) {
      read.problems.push(
        'CRON_SECRET: required when DATABASE_URL is set (at least 16 characters)',
      );
    }
    if (
      !config.authJwtSecret &&
      !config.authJwksUrl &&
      read.raw('AUTH_JWT_SECRET') === undefined
    ) {
      read.problems.push(
        'AUTH_JWT_SECRET or AUTH_JWKS_URL: one is required when DATABASE_URL is set',
      );
    }
  }
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return config;
}
