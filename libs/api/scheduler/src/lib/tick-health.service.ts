import { Injectable, OnModuleInit } from '@nestjs/common';

import { FlowMetrics } from '@flow/api/core';

import { SchedulerRepository } from './scheduler.repository';

/** No tick for longer than this means the external cron (or the in-process job) has stopped: a dead-man switch. */
export const TICK_STALE_AFTER_SECONDS = 120;

export interface TickHealth {
  lastTickAt: Date | null;
  secondsSinceLastTick: number | null;
  /** Set when no tick ran in the last two minutes. */
  warning: string | null;
}

/** Whether ticks are arriving — for /health/ready, the status page and the `/metrics` gauges. */
@Injectable()
export class TickHealthService implements OnModuleInit {
  constructor(
    private readonly repository: SchedulerRepository,
    private readonly metrics: FlowMetrics,
  ) {}

  onModuleInit(): void {
    this.metrics.registerCollectedGauge(
      'flow_seconds_since_last_tick',
      'Seconds since the last scheduler tick that ran (dead-man switch)',
      async () => {
        return (await this.check()).secondsSinceLastTick;
      },
    );
    this.metrics.registerCollectedGauge(
      'flow_queue_depth',
      'Runs queued and waiting for a worker',
      () => this.repository.queueDepth(),
    );
  }

  async check(): Promise<TickHealth> {
    const { now, lastTickAt } = await this.repository.lastTick();
    return describeTickHealth(now, lastTickAt);
  }
}

export function describeTickHealth(
  now: Date,
  lastTickAt: Date | null,
): TickHealth {
  if (!lastTickAt) {
    return {
      lastTickAt: null,
      secondsSinceLastTick: null,
      warning:
        'no scheduler tick has run yet: is the tick caller (cron service or SCHEDULER_INTERNAL_TICK) configured?',
    };
  }
  const seconds = Math.max(
    0,
    Math.round((now.getTime() - lastTickAt.getTime()) / 1000),
  );
  return {
    lastTickAt,
    secondsSinceLastTick: seconds,
    warning:
      seconds > TICK_STALE_AFTER_SECONDS
        ? `no scheduler tick for ${seconds} s (expected every minute): check the tick caller`
        : null,
  };
}
