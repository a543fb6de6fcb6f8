import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';

import { JwtVerifier } from './jwt-verifier';
import { TenantGuard } from './tenant.guard';
import { TenantsRepository } from './tenants.repository';
import { TenantsService } from './tenants.service';

/** Tenant authentication for every route (the global TenantGuard) and tenant lookups. */
@Module({
  providers: [
    TenantsRepository,
    TenantsService,
    JwtVerifier,
    { provide: APP_GUARD, useClass: TenantGuard },
  ],
  exports: [TenantsService],
})
export class TenancyModule {}
