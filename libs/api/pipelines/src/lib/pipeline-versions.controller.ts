import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';

import { Endpoint } from '@flow/api/core';
import { CurrentTenant, type TenantContext } from '@flow/api/tenancy';
import {
  PageQuerySchema,
  PipelineIdParamsSchema,
  PipelineVersionListResponseSchema,
  PipelineVersionParamsSchema,
  PipelineVersionResponseSchema,
  type PipelineVersionListResponse,
  type PipelineVersionResponse,
} from '@flow/contracts';

import { PipelineVersionsService } from './pipeline-versions.service';

/** A pipeline's IR versions (DESIGN §13); the Versions tab lists them and diffs two. */
@ApiTags('pipelines')
@Controller('pipelines/:id/versions')
export class PipelineVersionsController {
  constructor(private readonly versions: PipelineVersionsService) {}

  @Get()
  @Endpoint({
    summary: 'The pipeline’s IR versions, newest first (keyset pages)',
    security: 'tenant',
    params: PipelineIdParamsSchema,
    query: PageQuerySchema(20, 100),
    response: PipelineVersionListResponseSchema,
    errors: { 404: 'No pipeline with this id in the caller’s tenant.' },
  })
  list(
    @CurrentTenant() tenant: TenantContext,
    @Param('id') id: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ): Promise<PipelineVersionListResponse> {
    return this.versions.list(tenant, id, { limit, cursor });
  }

  @Get(':version')
  @Endpoint({
    summary: 'One IR version with its IR, who saved it and when',
    security: 'tenant',
    params: PipelineVersionParamsSchema,
    response: PipelineVersionResponseSchema,
    errors: {
      400: 'The version is not a number (`details[0].path` is `version`).',
      404: 'No pipeline with this id in the caller’s tenant, or it has no such version.',
    },
  })
  get(
    @CurrentTenant() tenant: TenantContext,
    @Param('id') id: string,
    @Param('version') version: string,
  ): Promise<PipelineVersionResponse> {
    return this.versions.get(tenant, id, version);
  }
}
