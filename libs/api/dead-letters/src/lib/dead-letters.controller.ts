import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';

import { CurrentTenant, type TenantContext } from '@flow/api/tenancy';
import type { DeadLetterListResponse } from '@flow/contracts';

import { DeadLettersService } from './dead-letters.service';

@ApiTags('dead-letters')
@ApiBearerAuth()
@Controller('pipelines/:id/dead-letters')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  /** A page of the pipeline's dead letters, newest first, with the open/replayed counts. */
  @Get()
  list(
    @CurrentTenant() tenant: TenantContext,
    @Param('id') id: string,
    @Query('status') status?: string,
    @Query('runId') runId?: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ): Promise<DeadLetterListResponse> {
    return this.deadLetters.list(tenant, id, { status, runId, limit, cursor });
  }
}
