export * from './lib/run-executor';
export * from './lib/runs.module';
export * from './lib/runs.service';
export * from './lib/worker-options';
export * from './lib/worker.service';
export * from './lib/target-writes';
