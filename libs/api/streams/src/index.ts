export * from './lib/message-parse';
export * from './lib/partition-consumer';
export * from './lib/stream-broker';
export * from './lib/stream-worker.service';
export * from './lib/streams.module';
export * from './lib/streams.repository';
export * from './lib/stream-status.service';
