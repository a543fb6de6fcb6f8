export * from './lib/validate-schedule';
