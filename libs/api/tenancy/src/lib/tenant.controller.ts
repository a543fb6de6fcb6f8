import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';

import { Endpoint } from '@flow/api/core';
import { TenantResponseSchema, type TenantResponse } from '@flow/contracts';

import {
  CurrentCaller,
  CurrentTenant,
  type CallerContext,
  type TenantContext,
} from './tenant-context';

/** The caller's own tenant and role (the console's top bar shows them; the console hides write controls from viewers). */
@ApiTags('tenant')
@Controller('tenant')
export class TenantController {
  @Get()
  @Endpoint({
    summary: 'The caller’s tenant and role',
    security: 'tenant',
    response: TenantResponseSchema,
  })
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
