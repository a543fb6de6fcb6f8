import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Type } from '@sinclair/typebox';

import { Endpoint } from '@flow/api/core';
import { CurrentTenant, type TenantContext } from '@flow/api/tenancy';
import {
  StreamStatusResponseSchema,
  Uuid,
  type StreamStatusResponse,
} from '@flow/contracts';

import { StreamStatusService } from './stream-status.service';

const StreamStatusQuerySchema = Type.Object({
  pipelineId: Type.Optional(
    Uuid({
      description:
        'Only this pipeline; an unknown id, another tenant’s, or one that is not a uuid is a 404.',
    }),
  ),
});

@ApiTags('streams')
@Controller('stream-status')
export class StreamStatusController {
  constructor(private readonly status: StreamStatusService) {}

  @Get()
  @Endpoint({
    summary: 'Per-partition lag of the tenant’s stream pipelines',
    description:
      'For every stream pipeline of the tenant and each partition: last and committed sequence, lag (messages after the committed one), age of the oldest unprocessed message. With the broker down or streaming off, the figures the broker gives are null.',
    security: 'tenant',
    query: StreamStatusQuerySchema,
    response: StreamStatusResponseSchema,
    errors: {
      404: 'The `pipelineId` is not one of the tenant’s stream pipelines.',
    },
  })
  get(
    @CurrentTenant() tenant: TenantContext,
    @Query() query: { pipelineId?: unknown },
  ): Promise<StreamStatusResponse> {
    return this.status.get(tenant, query);
  }
}
