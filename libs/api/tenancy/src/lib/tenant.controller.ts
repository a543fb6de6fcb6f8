import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';

import type { TenantResponse } from '@flow/contracts';

import {
  CurrentCaller,
  CurrentTenant,
  type CallerContext,
  type TenantContext,
} from './tenant-context';

/** The caller's own tenant and role (the console's top bar shows them; the console hides write controls from viewers). */
@ApiTags('tenant')
@ApiBearerAuth()
@Controller('tenant')
export class TenantController {
  @Get()
  get(
    @CurrentTenant() tenant: TenantContext,
    @CurrentCaller() caller: CallerContext,
  ): TenantResponse {
    return {
      id: tenant.id,
      slug: tenant.slug,
      name: tenant.name,
      timezone: tenant.timezone,
      role: caller.role,
    };
  }
}
