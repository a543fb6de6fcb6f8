import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';

import { CurrentTenant, type TenantContext } from '@flow/api/tenancy';

import type { NodeMetricsResponse, RunDetailResponse } from '@flow/contracts';

import {
  RunsService,
  type RunDetail,
  type RunDetailListResponse,
} from './runs.service';

@ApiTags('runs')
@ApiBearerAuth()
@Controller('pipelines/:id/runs')
export class RunsController {
  constructor(private readonly runs: RunsService) {}

  /**
   * Queues a manual run, or with `{"replayDlqOnly": true, "deadLetterIds"?: […]}` a replay of open dead letters;
   * the worker picks it up (202: accepted, not yet executed).
   */
  @Post()
  @HttpCode(202)
  trigger(
    @CurrentTenant() tenant: TenantContext,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<RunDetail> {
    return this.runs.trigger(tenant, id, body);
  }

  @Get()
  list(
    @CurrentTenant() tenant: TenantContext,
    @Param('id') id: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ): Promise<RunDetailListResponse> {
    return this.runs.list(tenant, id, { limit, cursor });
  }

  /** One run with `nodeMetrics` per IR node: rows in, rows out, rejected, duration. */
  @Get(':runId')
  detail(
    @CurrentTenant() tenant: TenantContext,
    @Param('id') id: string,
    @Param('runId') runId: string,
  ): Promise<RunDetailResponse> {
    return this.runs.detail(tenant, id, runId);
  }
}

/** A node's figures over the last runs (the console's metrics drawer). */
@ApiTags('runs')
@ApiBearerAuth()
@Controller('pipelines/:id/node-metrics')
export class NodeMetricsController {
  constructor(private readonly runs: RunsService) {}

  /** `?node=<IR node id>&limit=30` (1–100): the last finished runs, oldest → newest. */
  @Get()
  list(
    @CurrentTenant() tenant: TenantContext,
    @Param('id') id: string,
    @Query('node') node?: unknown,
    @Query('limit') limit?: string,
  ): Promise<NodeMetricsResponse> {
    return this.runs.nodeMetrics(tenant, id, { node, limit });
  }
}
