export * from './lib/console-scheduler/console-scheduler';
