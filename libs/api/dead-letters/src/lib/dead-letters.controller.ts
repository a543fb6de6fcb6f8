import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Type } from '@sinclair/typebox';

import { Endpoint } from '@flow/api/core';
import { CurrentTenant, type TenantContext } from '@flow/api/tenancy';
import {
  DeadLetterListResponseSchema,
  DeadLetterStatusSchema,
  PageQuerySchema,
  PipelineIdParamsSchema,
  Uuid,
  type DeadLetterListResponse,
} from '@flow/contracts';

import {
  DEFAULT_DEAD_LETTERS_PAGE_SIZE,
  DeadLettersService,
  MAX_DEAD_LETTERS_PAGE_SIZE,
} from './dead-letters.service';

const DeadLetterQuerySchema = Type.Object({
  status: Type.Optional(DeadLetterStatusSchema),
  runId: Type.Optional(
    Uuid({ description: 'Only the letters this run wrote.' }),
  ),
  ...PageQuerySchema(DEFAULT_DEAD_LETTERS_PAGE_SIZE, MAX_DEAD_LETTERS_PAGE_SIZE)
    .properties,
});

@ApiTags('dead-letters')
@Controller('pipelines/:id/dead-letters')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  /** A page of the pipeline's dead letters, newest first, with the open/replayed counts. */
  @Get()
  @Endpoint({
    summary:
      'A page of the pipeline’s dead letters, newest first, with open/replayed counts',
    security: 'tenant',
    params: PipelineIdParamsSchema,
    query: DeadLetterQuerySchema,
    response: DeadLetterListResponseSchema,
    errors: { 404: 'No pipeline with this id in the caller’s tenant.' },
  })
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
