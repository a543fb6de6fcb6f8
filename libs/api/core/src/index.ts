export * from './lib/all-exceptions.filter';
export * from './lib/config';
export * from './lib/config.module';
export * from './lib/errors';
export * from './lib/http-app';
