export * from './lib/schedule';
