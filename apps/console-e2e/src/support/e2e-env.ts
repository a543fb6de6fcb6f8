/**
 * What the global setup hands to the tests (through one environment variable, which Playwright's workers inherit):
 * the api's URL, the cron secret, both tenants' tokens and the names seeded for them.
 */
export interface E2eTenant {
  slug: string;
  token: string;
}

export interface E2eEnv {
  baseUrl: string;
  cronSecret: string;
  tenantA: E2eTenant;
  tenantB: E2eTenant;
  /** A tenant past the console's paging threshold: {@link LARGE_TENANT_PIPELINES} pipelines `bulk-0001`…, UTC. */
  tenantLarge: E2eTenant;
  /** The demo tenant (`seed demo`): pipelines of several IR shapes, run history with per-node metrics, lineage. */
  demo: E2eTenant;
  /** A tenant of its own for the 500-table lineage (lineage-scale.spec.ts creates its pipelines). */
  lineage: E2eTenant;
  /** The throwaway database (tests that change a tenant's source rows write there). */
  databaseUrl: string;
  /**
   * How to start a worker process (`node <main> worker` with this environment added): the api runs without one, so
   * a test that needs runs executed starts its own and stops it.
   */
  worker: { main: string; env: Record<string, string> };
  /** Names seeded for tenant A, by role. */
  pipelines: {
    onTime: string;
    late: string;
    paused: string;
    unscheduled: string;
    dstCron: string;
    /** The only pipeline of tenant B. */
    otherTenant: string;
  };
}

export const E2E_ENV_VARIABLE = 'FLOW_E2E_ENV';

/** Scheduled pipelines of the large tenant: more than the console loads at once (500), so its grid pages. */
export const LARGE_TENANT_PIPELINES = 1_200;

export const SEEDED_PIPELINES: E2eEnv['pipelines'] = {
  onTime: 'orders-on-time',
  late: 'orders-late',
  paused: 'orders-paused',
  unscheduled: 'orders-unscheduled',
  dstCron: 'revenue-new-york-march-sundays',
  otherTenant: 'beta-tenant-hourly',
};

export function readE2eEnv(): E2eEnv {
  const raw = process.env[E2E_ENV_VARIABLE];
  if (!raw) {
    throw new Error(
      `${E2E_ENV_VARIABLE} is not set: run the tests through the Playwright config (its global setup starts the stack)`,
    );
  }
  return JSON.parse(raw) as E2eEnv;
}
