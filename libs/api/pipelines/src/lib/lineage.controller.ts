import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';

import { CurrentTenant, type TenantContext } from '@flow/api/tenancy';
import type { LineageResponse } from '@flow/contracts';

import { LineageService } from './lineage.service';

@ApiTags('lineage')
@ApiBearerAuth()
@Controller('lineage')
export class LineageController {
  constructor(private readonly lineage: LineageService) {}

  @Get()
  get(@CurrentTenant() tenant: TenantContext): Promise<LineageResponse> {
    return this.lineage.get(tenant);
  }
}
