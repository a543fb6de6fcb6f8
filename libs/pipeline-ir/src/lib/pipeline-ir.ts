export function pipelineIr(): string {
  return 'pipeline-ir';
}
