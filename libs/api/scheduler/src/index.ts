export * from './lib/fire-plan';
export * from './lib/scheduler.module';
export * from './lib/scheduler.repository';
export * from './lib/tick.service';
export * from './lib/tick-health.service';
