import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

import { Endpoint } from '@flow/api/core';
import {
  CurrentCaller,
  CurrentTenant,
  type CallerContext,
  type TenantContext,
} from '@flow/api/tenancy';
import {
  CreatePipelineRequestSchema,
  PipelineIdParamsSchema,
  PipelineIrSchema,
  PipelineListQuerySchema,
  PipelineListResponseSchema,
  PipelineResponseSchema,
  UpdatePipelineRequestSchema,
  type PipelineIr,
  type PipelineListResponse,
  type PipelineResponse,
} from '@flow/contracts';

import { PipelinesService } from './pipelines.service';

const NOT_FOUND = 'No pipeline with this id in the caller’s tenant.';
const IR_INVALID =
  'The body breaks a rule (JSON Schema or the IR validator: unknown node type, a cycle, a column missing from `information_schema`, a schedule that never fires…); `details` names each field by its JSON path, e.g. `ir.nodes[2].where[0].op`.';
const NODES_OVER_QUOTA =
  'The IR has more nodes than QUOTA_NODES_PER_IR; the message and `details` name the quota, the limit and the count.';
const STALE =
  'The `If-Match` version is not the current one: someone else saved in between. Nothing changed; the body has `currentVersion`. Reload, re-apply, save again.';
const ETAG =
  '`"<version>"`: the IR version; send it back as `If-Match` when saving.';
const IF_MATCH =
  'Send `If-Match: "<version>"` (the ETag you read) to refuse the write with 412 when someone saved in between; without it the last write wins.';
const NAME_TAKEN =
  'Another pipeline of the tenant already has this name (`details[0].path` is `name`).';

@ApiTags('pipelines')
@Controller('pipelines')
export class PipelinesController {
  constructor(private readonly pipelines: PipelinesService) {}

  @Get()
  @Endpoint({
    summary: 'List the tenant’s pipelines (keyset pages in name order)',
    security: 'tenant',
    query: PipelineListQuerySchema,
    response: PipelineListResponseSchema,
  })
  list(
    @CurrentTenant() tenant: TenantContext,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
    @Query('name') name?: unknown,
  ): Promise<PipelineListResponse> {
    return this.pipelines.list(tenant, { limit, cursor, name });
  }

  @Post()
  @Endpoint({
    summary: 'Create a pipeline',
    security: 'tenant',
    body: CreatePipelineRequestSchema,
    status: 201,
    response: PipelineResponseSchema,
    responseDescription: 'Created',
    responseHeaders: { ETag: ETAG },
    errors: {
      400: IR_INVALID,
      409: `${NAME_TAKEN} Or the tenant is at QUOTA_PIPELINES_PER_TENANT (message and details name the quota, the limit and the count).`,
      422: NODES_OVER_QUOTA,
    },
  })
  async create(
    @CurrentTenant() tenant: TenantContext,
    @CurrentCaller() caller: CallerContext,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PipelineResponse> {
    return withEtag(reply, await this.pipelines.create(tenant, caller, body));
  }

  @Get(':id')
  @Endpoint({
    summary: 'One pipeline with its IR and schedule state',
    security: 'tenant',
    params: PipelineIdParamsSchema,
    response: PipelineResponseSchema,
    responseHeaders: { ETag: ETAG },
    errors: { 404: NOT_FOUND },
  })
  async get(
    @CurrentTenant() tenant: TenantContext,
    @Param('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PipelineResponse> {
    return withEtag(reply, await this.pipelines.get(tenant, id));
  }

  @Patch(':id')
  @Endpoint({
    summary: 'Rename, pause/resume or replace the IR of a pipeline',
    description: IF_MATCH,
    security: 'tenant',
    params: PipelineIdParamsSchema,
    body: UpdatePipelineRequestSchema,
    response: PipelineResponseSchema,
    responseHeaders: { ETag: ETAG },
    errors: {
      400: IR_INVALID,
      404: NOT_FOUND,
      409: NAME_TAKEN,
      412: STALE,
      422: NODES_OVER_QUOTA,
    },
  })
  async update(
    @CurrentTenant() tenant: TenantContext,
    @CurrentCaller() caller: CallerContext,
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PipelineResponse> {
    return withEtag(
      reply,
      await this.pipelines.update(tenant, caller, id, body, ifMatch),
    );
  }

  @Delete(':id')
  @Endpoint({
    summary: 'Delete a pipeline (its runs and dead letters go with it)',
    security: 'tenant',
    params: PipelineIdParamsSchema,
    status: 204,
    response: null,
    responseDescription: 'Deleted',
    errors: { 404: NOT_FOUND },
  })
  delete(
    @CurrentTenant() tenant: TenantContext,
    @Param('id') id: string,
  ): Promise<void> {
    return this.pipelines.delete(tenant, id);
  }

  @Get(':id/ir')
  @Endpoint({
    summary: 'The pipeline’s IR document',
    security: 'tenant',
    params: PipelineIdParamsSchema,
    response: PipelineIrSchema,
    responseHeaders: { ETag: ETAG },
    errors: { 404: NOT_FOUND },
  })
  async getIr(
    @CurrentTenant() tenant: TenantContext,
    @Param('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PipelineIr> {
    return withEtag(reply, await this.pipelines.getIr(tenant, id)).ir;
  }

  @Put(':id/ir')
  @Endpoint({
    summary:
      'Replace the pipeline’s IR document (a new version when it differs)',
    description: `${IF_MATCH} The console always sends it.`,
    security: 'tenant',
    params: PipelineIdParamsSchema,
    body: PipelineIrSchema,
    response: PipelineIrSchema,
    responseHeaders: { ETag: ETAG },
    errors: {
      400: IR_INVALID,
      404: NOT_FOUND,
      412: STALE,
      422: NODES_OVER_QUOTA,
    },
  })
  async replaceIr(
    @CurrentTenant() tenant: TenantContext,
    @CurrentCaller() caller: CallerContext,
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PipelineIr> {
    return withEtag(
      reply,
      await this.pipelines.replaceIr(tenant, caller, id, body, ifMatch),
    ).ir;
  }
}

function withEtag<T extends { version: number }>(
  reply: FastifyReply,
  value: T,
): T {
  void reply.header('etag', `"${value.version}"`);
  return value;
}
