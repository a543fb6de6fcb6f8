export * from './lib/api-runs.module';
