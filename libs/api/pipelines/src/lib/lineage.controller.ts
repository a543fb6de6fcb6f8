import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';

import { Endpoint, ExpensiveRead } from '@flow/api/core';
import { CurrentTenant, type TenantContext } from '@flow/api/tenancy';
import { LineageResponseSchema, type LineageResponse } from '@flow/contracts';

import { LineageService } from './lineage.service';

@ApiTags('lineage')
@Controller('lineage')
export class LineageController {
  constructor(private readonly lineage: LineageService) {}

  @ExpensiveRead()
  @Get()
  @Endpoint({
    summary: 'Tables and the pipelines between them, with live row counts',
    security: 'tenant',
    response: LineageResponseSchema,
  })
  get(@CurrentTenant() tenant: TenantContext): Promise<LineageResponse> {
    return this.lineage.get(tenant);
  }
}
