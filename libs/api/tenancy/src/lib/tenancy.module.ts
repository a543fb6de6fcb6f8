import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';

import { JwtVerifier } from './jwt-verifier';
import { TenantController } from './tenant.controller';
import { TenantRateLimitGuard } from './tenant-rate-limit.guard';
import { TenantGuard } from './tenant.guard';
import { TenantsRepository } from './tenants.repository';
import { TenantsService } from './tenants.service';

/** Tenant authentication for every route (the global TenantGuard), per-tenant rate limits and tenant lookups. */
@Module({
  controllers: [TenantController],
  providers: [
    TenantsRepository,
    TenantsService,
    JwtVerifier,
    { provide: APP_GUARD, useClass: TenantGuard },
    // After the TenantGuard (global guards run in this order): it needs the request's tenant.
    { provide: APP_GUARD, useClass: TenantRateLimitGuard },
  ],
  exports: [TenantsService],
})
export class TenancyModule {}
