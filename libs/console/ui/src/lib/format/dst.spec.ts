import {
  describeDstChange,
  dstChangeOnLocalDay,
  formatUtcOffset,
  zoneOffsetMinutes,
} from './dst';

const at = (iso: string) => Date.parse(iso);

describe(zoneOffsetMinutes.name, () => {
  it.each([
    ['2026-01-15T12:00:00Z', 'Europe/Berlin', 60],
    ['2026-07-15T12:00:00Z', 'Europe/Berlin', 120],
    ['2026-01-15T12:00:00Z', 'America/New_York', -300],
    ['2026-07-15T12:00:00Z', 'America/New_York', -240],
    ['2026-07-15T12:00:00Z', 'Asia/Kolkata', 330],
    ['2026-07-15T12:00:00Z', 'UTC', 0],
  ])('at %s in %s is %d', (iso, zone, expected) => {
    expect(zoneOffsetMinutes(at(iso), zone)).toBe(expected);
  });
});

describe(formatUtcOffset.name, () => {
  it('uses a true minus sign and omits a zero offset', () => {
    expect(formatUtcOffset(120)).toBe('UTC+02:00');
    expect(formatUtcOffset(-240)).toBe('UTC−04:00');
    expect(formatUtcOffset(330)).toBe('UTC+05:30');
    expect(formatUtcOffset(0)).toBe('UTC');
  });
});

describe(dstChangeOnLocalDay.name, () => {
  describe('America/New_York (2026: spring forward 8 Mar 02:00, fall back 1 Nov 02:00)', () => {
    const zone = 'America/New_York';
    it.each([
      [
        '2026-03-08T13:00:00Z',
        'spring-forward day, 09:00 EDT',
        { fromOffsetMinutes: -300, toOffsetMinutes: -240 },
      ],
      [
        '2026-03-08T06:30:00Z',
        'spring-forward day, 01:30 EST before the gap',
        { fromOffsetMinutes: -300, toOffsetMinutes: -240 },
      ],
      [
        '2026-03-08T07:30:00Z',
        'spring-forward day, 03:30 EDT (02:30 shifted)',
        { fromOffsetMinutes: -300, toOffsetMinutes: -240 },
      ],
      [
        '2026-11-01T14:00:00Z',
        'fall-back day, 09:00 EST',
        { fromOffsetMinutes: -240, toOffsetMinutes: -300 },
      ],
      [
        '2026-11-01T05:30:00Z',
        'fall-back day, first 01:30 EDT',
        { fromOffsetMinutes: -240, toOffsetMinutes: -300 },
      ],
      [
        '2026-11-01T06:30:00Z',
        'fall-back day, repeated 01:30 EST',
        { fromOffsetMinutes: -240, toOffsetMinutes: -300 },
      ],
      ['2026-03-07T14:00:00Z', 'the day before spring forward', null],
      ['2026-03-09T04:30:00Z', 'the day after spring forward, 00:30 EDT', null],
      ['2026-11-02T14:00:00Z', 'the day after fall back', null],
      ['2026-07-04T16:00:00Z', 'a summer day', null],
    ])('%s (%s)', (iso, _label, expected) => {
      expect(dstChangeOnLocalDay(at(iso), zone)).toEqual(expected);
    });
  });

  describe('Europe/Berlin (2026: spring forward 29 Mar 02:00, fall back 25 Oct 03:00)', () => {
    const zone = 'Europe/Berlin';
    it.each([
      [
        '2026-03-29T07:00:00Z',
        'spring-forward day, 09:00 CEST',
        { fromOffsetMinutes: 60, toOffsetMinutes: 120 },
      ],
      [
        '2026-03-28T23:30:00Z',
        'spring-forward day, 00:30 CET',
        { fromOffsetMinutes: 60, toOffsetMinutes: 120 },
      ],
      [
        '2026-10-25T08:00:00Z',
        'fall-back day, 09:00 CET',
        { fromOffsetMinutes: 120, toOffsetMinutes: 60 },
      ],
      [
        '2026-10-25T22:30:00Z',
        'fall-back day, 23:30 CET',
        { fromOffsetMinutes: 120, toOffsetMinutes: 60 },
      ],
      ['2026-03-28T08:00:00Z', 'the day before spring forward', null],
      ['2026-03-30T07:00:00Z', 'the day after spring forward', null],
      ['2026-10-25T23:30:00Z', 'the day after fall back, 00:30 CET', null],
    ])('%s (%s)', (iso, _label, expected) => {
      expect(dstChangeOnLocalDay(at(iso), zone)).toEqual(expected);
    });
  });

  it("marks only the schedule zone's own change days", () => {
    expect(
      dstChangeOnLocalDay(at('2026-03-29T07:00:00Z'), 'America/New_York'),
    ).toBeNull();
    expect(
      dstChangeOnLocalDay(at('2026-03-08T13:00:00Z'), 'Europe/Berlin'),
    ).toBeNull();
  });

  it('never marks UTC or a zone without DST', () => {
    expect(dstChangeOnLocalDay(at('2026-03-29T01:00:00Z'), 'UTC')).toBeNull();
    expect(
      dstChangeOnLocalDay(at('2026-03-08T07:00:00Z'), 'Asia/Tokyo'),
    ).toBeNull();
  });

  it('yields null for an unknown zone instead of throwing', () => {
    expect(
      dstChangeOnLocalDay(at('2026-03-08T13:00:00Z'), 'Mars/Olympus_Mons'),
    ).toBeNull();
  });
});

describe(describeDstChange.name, () => {
  it('names the zone, the direction and both offsets', () => {
    const text = describeDstChange(
      { fromOffsetMinutes: -300, toOffsetMinutes: -240 },
      'America/New_York',
    );
    expect(text).toContain('America/New_York');
    expect(text).toContain('spring forward');
    expect(text).toContain('UTC−05:00 → UTC−04:00');
  });

  it('says fall back when clocks go back', () => {
    expect(
      describeDstChange(
        { fromOffsetMinutes: 120, toOffsetMinutes: 60 },
        'Europe/Berlin',
      ),
    ).toContain('fall back');
  });
});
