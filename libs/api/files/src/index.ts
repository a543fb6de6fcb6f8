export * from './lib/file-inputs';
export * from './lib/file-loader';
export * from './lib/files.module';
export * from './lib/landing-zone';
export { FileRejectedError } from './lib/line-reader';
export * from './lib/watcher/file-arrivals.repository';
export * from './lib/watcher/source-watcher';
