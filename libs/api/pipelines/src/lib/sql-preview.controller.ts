import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';

import { CurrentTenant, type TenantContext } from '@flow/api/tenancy';
import type { SqlPreviewResponse } from '@flow/contracts';

import { SqlPreviewService } from './sql-preview.service';

@ApiTags('pipelines')
@ApiBearerAuth()
@Controller('pipelines')
export class SqlPreviewController {
  constructor(private readonly previews: SqlPreviewService) {}

  @Get(':id/sql-preview')
  preview(
    @CurrentTenant() tenant: TenantContext,
    @Param('id') id: string,
  ): Promise<SqlPreviewResponse> {
    return this.previews.preview(tenant, id);
  }
}
