export * from './lib/api-scheduler.module';
