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
}
