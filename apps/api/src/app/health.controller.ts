import { Controller, Get, HttpCode, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';

import { Public } from '@flow/api/tenancy';

const READY_QUERY_TIMEOUT_MS = 2_000;

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly dataSource: DataSource) {}

  /** The process is up (no dependencies checked: a database outage must not get the process restarted). */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Ready to serve: the database answers within 2 s. */
  @Get('ready')
  @HttpCode(200)
  async ready(): Promise<{ status: 'ok'; checks: { database: 'up' } }> {
    try {
      await Promise.race([
        this.dataSource.query('SELECT 1'),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), READY_QUERY_TIMEOUT_MS).unref()),
      ]);
    } catch {
      throw new ServiceUnavailableException({ message: 'Database unavailable', details: [{ path: 'checks.database', message: 'down' }] });
    }
    return { status: 'ok', checks: { database: 'up' } };
  }
}
