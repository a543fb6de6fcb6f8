export * from './lib/api-tenancy.module';
