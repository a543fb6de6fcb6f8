import { formatRelativeTime, formatUpdatedAgo } from './format-relative-time';

const NOW = Date.parse('2026-03-14T12:00:00Z');

describe(formatRelativeTime.name, () => {
  it.each([
    ['2026-03-14T11:59:30Z', 'just now'],
    ['2026-03-14T12:00:20Z', 'just now'],
    ['2026-03-14T11:57:00Z', '3 min ago'],
    ['2026-03-14T09:10:00Z', '2 h ago'],
    ['2026-03-11T12:00:00Z', '3 d ago'],
    ['not a date', '—'],
  ])('formats %p as %p', (iso, expected) => {
    expect(formatRelativeTime(iso, NOW)).toBe(expected);
  });
});

describe(formatUpdatedAgo.name, () => {
  it('counts seconds, then minutes', () => {
    expect(formatUpdatedAgo(NOW, NOW)).toBe('updated 0 s ago');
    expect(formatUpdatedAgo(NOW - 12_400, NOW)).toBe('updated 12 s ago');
    expect(formatUpdatedAgo(NOW - 130_000, NOW)).toBe('updated 2 min ago');
  });
});
