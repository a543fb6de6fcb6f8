import { durationBetween, formatDuration } from './format-duration';

describe(formatDuration.name, () => {
  it.each([
    [null, '—'],
    [-5, '—'],
    [0, '0 ms'],
    [850.4, '850 ms'],
    [4_210, '4.2 s'],
    [60_000, '1 min'],
    [184_000, '3 min 4 s'],
    [7_200_000, '2 h'],
    [7_500_000, '2 h 5 min'],
  ])('%s ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe(durationBetween.name, () => {
  it('is the difference, or null when an end is missing', () => {
    expect(
      durationBetween('2026-03-14T12:00:00Z', '2026-03-14T12:00:02.5Z'),
    ).toBe(2_500);
    expect(durationBetween('2026-03-14T12:00:00Z', null)).toBeNull();
  });
});
