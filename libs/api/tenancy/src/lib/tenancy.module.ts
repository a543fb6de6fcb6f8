import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';

import { JwtVerifier } from './jwt-verifier';
import { TenantController } from './tenant.controller';
import { TenantGuard } from './tenant.guard';
import { TenantsRepository } from './tenants.repository';
import { TenantsService } from './tenants.service';

/** Tenant authentication for every route (the global TenantGuard) and tenant lookups. */
@Module({
  controllers: [TenantController],
  providers: [
    TenantsRepository,
    TenantsService,
    JwtVerifier,
    { provide: APP_GUARD, useClass: TenantGuard },
  ],
  exports: [TenantsService],
})
export class TenancyModule {}
