import {
  Controller,
  Get,
  HttpCode,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';

import { TickHealthService } from '@flow/api/scheduler';
import { Public } from '@flow/api/tenancy';

const READY_QUERY_TIMEOUT_MS = 2_000;

export interface ReadyResponse {
  status: 'ok';
  checks: { database: 'up' };
  lastTickAt: string | null;
  /** The dead-man switch: no tick for over two minutes is a warning, not unreadiness (the api still serves). */
  warnings: string[];
}

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
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Ready to serve: the database answers within 2 s (503 otherwise). */
  @Get('ready')
  @HttpCode(200)
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
