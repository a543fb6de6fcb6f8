import { Injectable } from '@nestjs/common';
import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
} from 'prom-client';

/**
 * The Prometheus metrics of one process (served at `/metrics`). Features record into these; gauges that need the
 * database (queue depth, seconds since the last tick) are registered by the feature that owns the query.
 */
@Injectable()
export class FlowMetrics {
  readonly registry = new Registry();

  readonly tickDuration = new Histogram({
    name: 'flow_tick_duration_seconds',
    help: 'Duration of scheduler ticks, by outcome',
    labelNames: ['outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly ticks = new Counter({
    name: 'flow_ticks_total',
    help: 'Scheduler ticks, by outcome (dispatched, skipped, failed)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly runsDispatched = new Counter({
    name: 'flow_runs_dispatched_total',
    help: 'Runs created by scheduler ticks',
    registers: [this.registry],
  });

  readonly firesCoalesced = new Counter({
    name: 'flow_fires_coalesced_total',
    help: 'Missed fires folded into a later fire (misfire policy coalesce)',
    registers: [this.registry],
  });

  readonly firesSkippedByPolicy = new Counter({
    name: 'flow_fires_skipped_by_policy_total',
    help: 'Fires not run because of the misfire policy (skip, beyond maxCatchup) or the overlap policy',
    registers: [this.registry],
  });

  readonly dispatchLag = new Histogram({
    name: 'flow_dispatch_lag_seconds',
    help: 'Time from a fire (scheduled_for) to its dispatch by a tick',
    buckets: [1, 5, 15, 30, 60, 120, 300, 900, 3600, 21600],
    registers: [this.registry],
  });

  readonly runDuration = new Histogram({
    name: 'flow_run_duration_seconds',
    help: 'Duration of executed runs, by outcome',
    labelNames: ['outcome'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  readonly runsFinished = new Counter({
    name: 'flow_runs_finished_total',
    help: 'Finished run attempts, by outcome (succeeded, failed, retried)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'flow_process_' });
  }

  /** Registers a gauge whose value is read when Prometheus scrapes (e.g. from the database). */
  registerCollectedGauge(
    name: string,
    help: string,
    read: () => Promise<number | null>,
  ): void {
    if (this.registry.getSingleMetric(name)) return;
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        const value = await read().catch(() => null);
        if (value !== null) this.set(value);
      },
    });
  }
}
