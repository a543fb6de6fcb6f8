import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';

import { Endpoint } from '@flow/api/core';
import { TickHealthService } from '@flow/api/scheduler';
import { Public } from '@flow/api/tenancy';
import {
  LiveResponseSchema,
  ReadyResponseSchema,
  type LiveResponse,
  type ReadyResponse,
} from '@flow/contracts';

const READY_QUERY_TIMEOUT_MS = 2_000;

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tickHealth: TickHealthService,
  ) {}

  /** The process is up (no dependencies checked: a database outage must not get the process restarted). */
  @Get('live')
  @Endpoint({
    summary: 'Liveness: the process is up (no dependency checked)',
    security: 'public',
    response: LiveResponseSchema,
  })
  live(): LiveResponse {
    return { status: 'ok' };
  }

  /** Ready to serve: the database answers within 2 s (503 otherwise). */
  @Get('ready')
  @Endpoint({
    summary: 'Readiness: the database answers within 2 s',
    security: 'public',
    response: ReadyResponseSchema,
    errors: {
      503: 'The database did not answer within 2 s (`details[0].path` is `checks.database`).',
    },
  })
  async ready(): Promise<ReadyResponse> {
    try {
      const health = await withTimeout(
        this.tickHealth.check(),
        READY_QUERY_TIMEOUT_MS,
      );
      return {
        status: 'ok',
        checks: { database: 'up' },
        lastTickAt: health.lastTickAt?.toISOString() ?? null,
        warnings: health.warning ? [health.warning] : [],
      };
    } catch {
      throw new ServiceUnavailableException({
        message: 'Database unavailable',
        details: [{ path: 'checks.database', message: 'down' }],
      });
    }
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    work,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('timeout')), ms).unref(),
    ),
  ]);
}
