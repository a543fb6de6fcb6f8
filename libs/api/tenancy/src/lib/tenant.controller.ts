import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';

import type { TenantResponse } from '@flow/contracts';

import { CurrentTenant, type TenantContext } from './tenant-context';

/** The caller's own tenant (the console's top bar shows its name). */
@ApiTags('tenant')
@ApiBearerAuth()
@Controller('tenant')
export class TenantController {
  @Get()
  get(@CurrentTenant() tenant: TenantContext): TenantResponse {
    return {
      id: tenant.id,
      slug: tenant.slug,
      name: tenant.name,
      timezone: tenant.timezone,
    };
  }
}
