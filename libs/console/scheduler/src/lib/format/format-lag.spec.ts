import { formatLag } from './format-lag';

describe(formatLag.name, () => {
  it.each([
    [0, '0 min'],
    [2, '2 min'],
    [4.9, '4 min'],
    [59, '59 min'],
    [60, '1 h'],
    [190, '3 h 10 min'],
    [1439, '23 h 59 min'],
    [1440, '1 d'],
    [2 * 1440 + 4 * 60 + 30, '2 d 4 h'],
    [-3, '0 min'],
    [null, '—'],
  ])('formats %p minutes as %p', (minutes, expected) => {
    expect(formatLag(minutes)).toBe(expected);
  });
});
