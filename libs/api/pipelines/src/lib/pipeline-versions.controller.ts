import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';

import { CurrentTenant, type TenantContext } from '@flow/api/tenancy';
import type {
  PipelineVersionListResponse,
  PipelineVersionResponse,
} from '@flow/contracts';

import { PipelineVersionsService } from './pipeline-versions.service';

/** A pipeline's IR versions (DESIGN §13); the Versions tab lists them and diffs two. */
@ApiTags('pipelines')
@ApiBearerAuth()
@Controller('pipelines/:id/versions')
export class PipelineVersionsController {
  constructor(private readonly versions: PipelineVersionsService) {}

  /** Newest first; `?limit=20` (1–100), `?cursor=` from the previous page. */
  @Get()
  list(
    @CurrentTenant() tenant: TenantContext,
    @Param('id') id: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ): Promise<PipelineVersionListResponse> {
    return this.versions.list(tenant, id, { limit, cursor });
  }

  @Get(':version')
  get(
    @CurrentTenant() tenant: TenantContext,
    @Param('id') id: string,
    @Param('version') version: string,
  ): Promise<PipelineVersionResponse> {
    return this.versions.get(tenant, id, version);
  }
}
