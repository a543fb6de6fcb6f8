import {
  Controller,
  Get,
  Headers,
  Inject,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';

import {
  Endpoint,
  FLOW_CONFIG,
  FlowMetrics,
  type FlowConfig,
} from '@flow/api/core';
import { bearerToken, cronSecretMatches, Public } from '@flow/api/tenancy';

/** Prometheus text at `/metrics` (outside `/api/v1`); behind the CRON_SECRET bearer when METRICS_PUBLIC=false. */
@ApiTags('metrics')
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: FlowMetrics,
    @Inject(FLOW_CONFIG) private readonly config: FlowConfig,
  ) {}

  @Get()
  @Endpoint({
    summary: 'Prometheus metrics (text exposition format)',
    description:
      'Public by default; with METRICS_PUBLIC=false it takes `Authorization: Bearer <CRON_SECRET>`.',
    security: 'public',
    contentType: 'text/plain',
    response: Type.String({
      examples: ['flow_ticks_total{outcome="dispatched"} 1\n'],
    }),
    errors: {
      401: 'METRICS_PUBLIC=false and the cron secret bearer is missing or wrong.',
    },
  })
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    if (
      !this.config.metricsPublic &&
      !cronSecretMatches(bearerToken(authorization), this.config.cronSecret)
    ) {
      throw new UnauthorizedException(
        'Missing or invalid bearer token for /metrics',
      );
    }
    void reply.header('content-type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
