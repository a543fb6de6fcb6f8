export * from './lib/api-pipelines.module';
