import { bearerToken, cronSecretMatches } from './cron-secret';

describe('cronSecretMatches', () => {
  it.each([
    [
      'the exact secret',
      'a-very-long-cron-secret',
      'a-very-long-cron-secret',
      true,
    ],
    ['a prefix of the secret', 'a-very-long', 'a-very-long-cron-secret', false],
    [
      'the secret with a suffix',
      'a-very-long-cron-secretX',
      'a-very-long-cron-secret',
      false,
    ],
    [
      'a different secret of equal length',
      'b-very-long-cron-secret',
      'a-very-long-cron-secret',
      false,
    ],
    ['nothing presented', null, 'a-very-long-cron-secret', false],
    ['no secret configured', 'anything', null, false],
  ])('%s → %s', (_case, presented, secret, expected) => {
    expect(cronSecretMatches(presented, secret)).toBe(expected);
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer abc.def', 'abc.def'],
    ['bearer abc', 'abc'],
    ['Basic abc', null],
    ['Bearer', null],
    [undefined, null],
  ])('%s → %s', (header, expected) => {
    expect(bearerToken(header)).toBe(expected);
  });
});
