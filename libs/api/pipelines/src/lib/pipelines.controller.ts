import {
  Body,
  Controller,
  Delete,
  Get,
  Param,
  Patch,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';

import { Endpoint } from '@flow/api/core';
import { CurrentTenant, type TenantContext } from '@flow/api/tenancy';
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
    errors: {
      400: IR_INVALID,
      409: `${NAME_TAKEN} Or the tenant is at QUOTA_PIPELINES_PER_TENANT (message and details name the quota, the limit and the count).`,
      422: NODES_OVER_QUOTA,
    },
  })
  create(
    @CurrentTenant() tenant: TenantContext,
    @Body() body: unknown,
  ): Promise<PipelineResponse> {
    return this.pipelines.create(tenant, body);
  }

  @Get(':id')
  @Endpoint({
    summary: 'One pipeline with its IR and schedule state',
    security: 'tenant',
    params: PipelineIdParamsSchema,
    response: PipelineResponseSchema,
    errors: { 404: NOT_FOUND },
  })
  get(
    @CurrentTenant() tenant: TenantContext,
    @Param('id') id: string,
  ): Promise<PipelineResponse> {
    return this.pipelines.get(tenant, id);
  }

  @Patch(':id')
  @Endpoint({
    summary: 'Rename, pause/resume or replace the IR of a pipeline',
    security: 'tenant',
    params: PipelineIdParamsSchema,
    body: UpdatePipelineRequestSchema,
    response: PipelineResponseSchema,
    errors: {
      400: IR_INVALID,
      404: NOT_FOUND,
      409: NAME_TAKEN,
      422: NODES_OVER_QUOTA,
    },
  })
  update(
    @CurrentTenant() tenant: TenantContext,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<PipelineResponse> {
    return this.pipelines.update(tenant, id, body);
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
    errors: { 404: NOT_FOUND },
  })
  getIr(
    @CurrentTenant() tenant: TenantContext,
    @Param('id') id: string,
  ): Promise<PipelineIr> {
    return this.pipelines.getIr(tenant, id);
  }

  @Put(':id/ir')
  @Endpoint({
    summary: 'Replace the pipeline’s IR document',
    security: 'tenant',
    params: PipelineIdParamsSchema,
    body: PipelineIrSchema,
    response: PipelineIrSchema,
    errors: { 400: IR_INVALID, 404: NOT_FOUND, 422: NODES_OVER_QUOTA },
  })
  replaceIr(
    @CurrentTenant() tenant: TenantContext,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<PipelineIr> {
    return this.pipelines.replaceIr(tenant, id, body);
  }
}
