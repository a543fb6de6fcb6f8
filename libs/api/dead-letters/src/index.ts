export * from './lib/dead-letters.module';
export * from './lib/dead-letters.repository';
export * from './lib/dead-letters.service';
