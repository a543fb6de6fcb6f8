export * from './lib/pipelines.module';
export * from './lib/pipelines.service';
export * from './lib/schedule-plan';
