export * from './lib/all-exceptions.filter';
export * from './lib/config';
export * from './lib/errors';
