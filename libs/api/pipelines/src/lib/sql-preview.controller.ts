import { Controller, Get, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';

import { Endpoint, ExpensiveRead } from '@flow/api/core';
import { CurrentTenant, type TenantContext } from '@flow/api/tenancy';
import {
  PipelineIdParamsSchema,
  SqlPreviewResponseSchema,
  type SqlPreviewResponse,
} from '@flow/contracts';

import { SqlPreviewService } from './sql-preview.service';

@ApiTags('pipelines')
@Controller('pipelines')
export class SqlPreviewController {
  constructor(private readonly previews: SqlPreviewService) {}

  @ExpensiveRead()
  @Get(':id/sql-preview')
  @Endpoint({
    summary:
      'The SQL a run would execute, with output columns typed from information_schema',
    security: 'tenant',
    params: PipelineIdParamsSchema,
    response: SqlPreviewResponseSchema,
    errors: {
      400: 'The stored IR no longer compiles against the live tables (a column or table was dropped); `details` names each node field.',
      404: 'No pipeline with this id in the caller’s tenant.',
    },
  })
  preview(
    @CurrentTenant() tenant: TenantContext,
    @Param('id') id: string,
  ): Promise<SqlPreviewResponse> {
    return this.previews.preview(tenant, id);
  }
}
