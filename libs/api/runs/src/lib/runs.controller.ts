import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Type } from '@sinclair/typebox';

import { Endpoint } from '@flow/api/core';
import { CurrentTenant, type TenantContext } from '@flow/api/tenancy';
import {
  CreateRunRequestSchema,
  NodeMetricsResponseSchema,
  PageQuerySchema,
  PipelineIdParamsSchema,
  RunDetailResponseSchema,
  RunIdParamsSchema,
  RunListResponseSchema,
  RunResponseSchema,
  type NodeMetricsResponse,
  type RunDetailResponse,
} from '@flow/contracts';

import {
  DEFAULT_RUNS_PAGE_SIZE,
  DEFAULT_TREND_RUNS,
  MAX_RUNS_PAGE_SIZE,
  MAX_TREND_RUNS,
  RunsService,
  type RunDetail,
  type RunDetailListResponse,
} from './runs.service';

const PIPELINE_NOT_FOUND = 'No pipeline with this id in the caller’s tenant.';

const NodeMetricsQuerySchema = Type.Object(
  {
    node: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'The IR node’s id.',
      examples: ['orders'],
    }),
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_TREND_RUNS,
        default: DEFAULT_TREND_RUNS,
        description: `How many of the last finished runs, 1–${MAX_TREND_RUNS}.`,
      }),
    ),
  },
  { required: ['node'] },
);

@ApiTags('runs')
@Controller('pipelines/:id/runs')
export class RunsController {
  constructor(private readonly runs: RunsService) {}

  /**
   * Queues a manual run, or with `{"replayDlqOnly": true, "deadLetterIds"?: […]}` a replay of open dead letters;
   * the worker picks it up (202: accepted, not yet executed).
   */
  @Post()
  @Endpoint({
    summary: 'Queue a manual run, or a replay of open dead letters',
    description:
      'No body (or `{}`): a manual run. `{"replayDlqOnly": true, "deadLetterIds"?: [...]}`: a run over the source rows of open dead letters only (`trigger: "replay"`). 202: queued, not yet executed; the worker picks it up.',
    security: 'tenant',
    params: PipelineIdParamsSchema,
    body: CreateRunRequestSchema,
    bodyOptional: true,
    status: 202,
    response: RunResponseSchema,
    responseDescription: 'Queued',
    errors: {
      400: 'The body is invalid, or a replay is impossible (a source without a key); `details` names the field or the node.',
      404: PIPELINE_NOT_FOUND,
      409: 'A replay found no open, replayable dead letter (or none of the given ones); or the pipeline already has QUOTA_QUEUED_RUNS_PER_PIPELINE queued runs (message and details name the quota, the limit and the count).',
    },
  })
  trigger(
    @CurrentTenant() tenant: TenantContext,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<RunDetail> {
    return this.runs.trigger(tenant, id, body);
  }

  @Get()
  @Endpoint({
    summary: 'The pipeline’s run history, newest first (keyset pages)',
    security: 'tenant',
    params: PipelineIdParamsSchema,
    query: PageQuerySchema(DEFAULT_RUNS_PAGE_SIZE, MAX_RUNS_PAGE_SIZE),
    response: RunListResponseSchema,
    errors: { 404: PIPELINE_NOT_FOUND },
  })
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
  @Endpoint({
    summary: 'One run with rows in, out, rejected and duration per IR node',
    security: 'tenant',
    params: RunIdParamsSchema,
    response: RunDetailResponseSchema,
    errors: {
      404: 'No such pipeline in the caller’s tenant, or no such run of it.',
    },
  })
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
@Controller('pipelines/:id/node-metrics')
export class NodeMetricsController {
  constructor(private readonly runs: RunsService) {}

  /** `?node=<IR node id>&limit=30` (1–100): the last finished runs, oldest → newest. */
  @Get()
  @Endpoint({
    summary: 'One node’s figures over the last finished runs, oldest → newest',
    security: 'tenant',
    params: PipelineIdParamsSchema,
    query: NodeMetricsQuerySchema,
    response: NodeMetricsResponseSchema,
    errors: { 404: PIPELINE_NOT_FOUND },
  })
  list(
    @CurrentTenant() tenant: TenantContext,
    @Param('id') id: string,
    @Query('node') node?: unknown,
    @Query('limit') limit?: string,
  ): Promise<NodeMetricsResponse> {
    return this.runs.nodeMetrics(tenant, id, { node, limit });
  }
}
