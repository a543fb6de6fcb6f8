import { pipelineIr } from './pipeline-ir';

describe('pipelineIr', () => {
  it('should work', () => {
    expect(pipelineIr()).toEqual('pipeline-ir');
  });
});
