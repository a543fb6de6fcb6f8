export * from './lib/api';
export * from './lib/ir';
export * from './lib/schedule';
