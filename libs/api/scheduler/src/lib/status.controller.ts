import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';

import { CurrentTenant, type TenantContext } from '@flow/api/tenancy';
import type { SchedulerStatusResponse } from '@flow/contracts';

import { StatusService } from './status.service';

@ApiTags('scheduler')
@ApiBearerAuth()
@Controller('scheduler-status')
export class StatusController {
  constructor(private readonly status: StatusService) {}

  @Get()
  get(
    @CurrentTenant() tenant: TenantContext,
  ): Promise<SchedulerStatusResponse> {
    return this.status.status(tenant);
  }
}
