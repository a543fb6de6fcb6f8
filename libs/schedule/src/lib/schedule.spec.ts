import { schedule } from './schedule';

describe('schedule', () => {
  it('should work', () => {
    expect(schedule()).toEqual('schedule');
  });
});
