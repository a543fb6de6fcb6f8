export * from './lib/cron-secret';
export * from './lib/jwt-verifier';
export * from './lib/roles';
export * from './lib/route-auth.decorator';
export * from './lib/tenancy.module';
export * from './lib/tenant-context';
export * from './lib/tenants.service';
