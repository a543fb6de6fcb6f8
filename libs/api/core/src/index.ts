export * from './lib/all-exceptions.filter';
export * from './lib/config';
export * from './lib/config.module';
export * from './lib/errors';
export * from './lib/http-app';
export * from './lib/lifecycle';
export * from './lib/logging';
export * from './lib/metrics';
