export * from './lib/catalog.service';
export * from './lib/lineage.service';
export * from './lib/pipelines.module';
export * from './lib/pipelines.service';
export * from './lib/schedule-plan';
