import {
  Controller,
  Get,
  Headers,
  Inject,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

import { FLOW_CONFIG, FlowMetrics, type FlowConfig } from '@flow/api/core';
import { bearerToken, cronSecretMatches, Public } from '@flow/api/tenancy';

/** Prometheus text at `/metrics` (outside `/api/v1`); behind the CRON_SECRET bearer when METRICS_PUBLIC=false. */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: FlowMetrics,
    @Inject(FLOW_CONFIG) private readonly config: FlowConfig,
  ) {}

  @Get()
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
