export * from './lib/pipeline-ir';
