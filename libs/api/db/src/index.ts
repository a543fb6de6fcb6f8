export * from './lib/data-source';
export * from './lib/database.module';
export * from './lib/embedded-postgres';
export * from './lib/entities';
export * from './lib/migrations';
export * from './lib/query-rows';
export * from './lib/tenant-schema';
