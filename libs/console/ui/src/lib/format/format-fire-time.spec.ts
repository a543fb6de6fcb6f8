import {
  describeFire,
  formatDateTime,
  formatFireCompact,
  formatInstantInZone,
} from './format-fire-time';

const NOW = Date.parse('2026-03-14T12:00:00Z'); // Saturday

describe(formatFireCompact.name, () => {
  it.each([
    ['2026-03-16T08:00:00Z', 'Europe/Berlin', 'Mon 09:00'],
    ['2026-03-16T08:00:00Z', 'America/New_York', 'Mon 04:00'],
    ['2026-03-16T08:00:00Z', 'Asia/Tokyo', 'Mon 17:00'],
    ['2026-03-16T02:00:00Z', 'America/Los_Angeles', 'Sun 19:00'],
    ['2026-03-16T08:00:00Z', 'UTC', 'Mon 08:00'],
  ])('shows %s in the viewer zone %s as %s', (iso, viewerZone, expected) => {
    expect(formatFireCompact(iso, viewerZone, NOW)).toBe(expected);
  });

  it('adds the date once the weekday alone would be ambiguous', () => {
    expect(
      formatFireCompact('2026-03-23T08:00:00Z', 'Europe/Berlin', NOW),
    ).toBe('23 Mar 09:00');
  });

  it('renders an unparsable instant as a dash', () => {
    expect(formatFireCompact('nope', 'UTC', NOW)).toBe('—');
  });

  it('adds the year to fires that are not in the current year (a leap-day schedule)', () => {
    const leapDays = [
      '2028-02-29T10:00:00Z',
      '2032-02-29T10:00:00Z',
      '2036-02-29T10:00:00Z',
    ];
    expect(
      leapDays.map((iso) => formatFireCompact(iso, 'Europe/Berlin', NOW)),
    ).toEqual(['29 Feb 2028 11:00', '29 Feb 2032 11:00', '29 Feb 2036 11:00']);
  });

  it("reads the year in the viewer's zone: New Year's Eve in New York is still this year", () => {
    const decemberNow = Date.parse('2026-12-20T12:00:00Z');
    expect(
      formatFireCompact(
        '2027-01-01T03:00:00Z',
        'America/New_York',
        decemberNow,
      ),
    ).toBe('31 Dec 22:00');
    expect(
      formatFireCompact('2027-01-01T03:00:00Z', 'Europe/Berlin', decemberNow),
    ).toBe('1 Jan 2027 04:00');
  });
});

describe(formatDateTime.name, () => {
  it('omits the year in the current year and shows it otherwise', () => {
    expect(formatDateTime('2026-03-13T08:00:00Z', 'Europe/Berlin', NOW)).toBe(
      '13 Mar 09:00',
    );
    expect(formatDateTime('2025-11-02T08:00:00Z', 'Europe/Berlin', NOW)).toBe(
      '2 Nov 2025 09:00',
    );
    expect(formatDateTime('bad', 'UTC', NOW)).toBe('—');
  });
});

describe(formatInstantInZone.name, () => {
  it('states the zone and its offset at that instant', () => {
    expect(formatInstantInZone('2026-03-16T08:00:00Z', 'Europe/Berlin')).toBe(
      'Mon 16 Mar 2026, 09:00 Europe/Berlin (UTC+01:00)',
    );
    expect(
      formatInstantInZone('2026-03-16T08:00:00Z', 'America/New_York'),
    ).toBe('Mon 16 Mar 2026, 04:00 America/New_York (UTC−04:00)');
  });

  it('falls back to the raw instant for an unknown zone', () => {
    expect(formatInstantInZone('2026-03-16T08:00:00Z', 'Nowhere/Else')).toBe(
      '2026-03-16T08:00:00Z',
    );
  });
});

describe(describeFire.name, () => {
  it("shows the schedule's zone, then the viewer's when they differ", () => {
    expect(
      describeFire('2026-03-16T08:00:00Z', 'Europe/Berlin', 'America/New_York'),
    ).toBe(
      'Mon 16 Mar 2026, 09:00 Europe/Berlin (UTC+01:00)\nYour time: Mon 16 Mar 2026, 04:00 America/New_York (UTC−04:00)',
    );
  });

  it('shows one line when the viewer is in the schedule zone', () => {
    expect(
      describeFire('2026-03-16T08:00:00Z', 'Europe/Berlin', 'Europe/Berlin'),
    ).toBe('Mon 16 Mar 2026, 09:00 Europe/Berlin (UTC+01:00)');
  });
});
