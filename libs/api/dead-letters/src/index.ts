export * from './lib/dead-letters.module';
export * from './lib/dead-letters.repository';
