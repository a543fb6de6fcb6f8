import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';

import { CurrentTenant, type TenantContext } from '@flow/api/tenancy';
import type {
  PipelineIr,
  PipelineListResponse,
  PipelineResponse,
} from '@flow/contracts';

import { PipelinesService } from './pipelines.service';

@ApiTags('pipelines')
@ApiBearerAuth()
@Controller('pipelines')
export class PipelinesController {
  constructor(private readonly pipelines: PipelinesService) {}

  @Get()
  list(
    @CurrentTenant() tenant: TenantContext,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
    @Query('name') name?: unknown,
  ): Promise<PipelineListResponse> {
    return this.pipelines.list(tenant, { limit, cursor, name });
  }

  @Post()
  create(
    @CurrentTenant() tenant: TenantContext,
    @Body() body: unknown,
  ): Promise<PipelineResponse> {
    return this.pipelines.create(tenant, body);
  }

  @Get(':id')
  get(
    @CurrentTenant() tenant: TenantContext,
    @Param('id') id: string,
  ): Promise<PipelineResponse> {
    return this.pipelines.get(tenant, id);
  }

  @Patch(':id')
  update(
    @CurrentTenant() tenant: TenantContext,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<PipelineResponse> {
    return this.pipelines.update(tenant, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  delete(
    @CurrentTenant() tenant: TenantContext,
    @Param('id') id: string,
  ): Promise<void> {
    return this.pipelines.delete(tenant, id);
  }

  @Get(':id/ir')
  getIr(
    @CurrentTenant() tenant: TenantContext,
    @Param('id') id: string,
  ): Promise<PipelineIr> {
    return this.pipelines.getIr(tenant, id);
  }

  @Put(':id/ir')
  replaceIr(
    @CurrentTenant() tenant: TenantContext,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<PipelineIr> {
    return this.pipelines.replaceIr(tenant, id, body);
  }
}
