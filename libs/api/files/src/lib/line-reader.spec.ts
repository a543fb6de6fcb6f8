import { FileRejectedError, parseCsv, readRecords } from './line-reader';
import { copyValue } from './value-checks';

async function records(chunks: (string | Buffer)[], format: 'csv' | 'ndjson') {
  async function* bytes() {
    for (const chunk of chunks)
      yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  }
  const out = [];
  for await (const record of readRecords(bytes(), format, 'x.csv'))
    out.push(record);
  return out;
}

describe(readRecords.name, () => {
  it('numbers records by the line they start on, across chunks, CRLF and quoted line breaks', async () => {
    const result = await records(
      ['a,b\r\n1,"two\r\nlines"\r', '\n\r\n3,', '4'],
      'csv',
    );
    expect(result).toEqual([
      { line: 1, raw: 'a,b', fields: [f('a'), f('b')] },
      {
        line: 2,
        raw: '1,"two\nlines"',
        fields: [f('1'), f('two\nlines', true)],
      },
      { line: 5, raw: '3,4', fields: [f('3'), f('4')] },
    ]);
  });

  it('splits a multi-byte character across chunks', async () => {
    const bytes = Buffer.from('é,ü\n');
    const result = await records(
      [bytes.subarray(0, 1), bytes.subarray(1)],
      'csv',
    );
    expect(result).toEqual([{ line: 1, raw: 'é,ü', fields: [f('é'), f('ü')] }]);
  });

  it.each([
    ['empty', [Buffer.alloc(0)], 'empty (0 bytes)'],
    ['binary', [Buffer.from([1, 0, 2])], 'binary'],
    ['not UTF-8', [Buffer.from([0xc3, 0x28])], 'not UTF-8'],
  ])('refuses a file that is %s', async (_name, chunks, message) => {
    await expect(records(chunks, 'csv')).rejects.toThrow(FileRejectedError);
    await expect(records(chunks, 'csv')).rejects.toThrow(message);
  });

  it('reports an unclosed quote at the end of the file', async () => {
    expect(await records(['1,"open\n2'], 'csv')).toEqual([
      {
        line: 1,
        raw: '1,"open\n2',
        error: 'a quoted field is not closed at the end of the file',
      },
    ]);
  });
});

describe(parseCsv.name, () => {
  it.each([
    ['a,,b', [f('a'), f(''), f('b')]],
    ['"a""b",c', [f('a"b', true), f('c')]],
    ['"",x', [f('', true), f('x')]],
    ['"a"x', 'unexpected character after a closing quote at column 4'],
    ['a"b', 'a quote inside an unquoted field at column 2'],
    ['"open', 'open'],
  ])('%j', (text, expected) => {
    expect(parseCsv(text)).toEqual(expected);
  });
});

describe(copyValue.name, () => {
  it.each([
    ['integer', '42', { ok: '42' }],
    [
      'integer',
      '2147483648',
      { error: '2147483648 is out of range for type integer' },
    ],
    ['bigint', '-9223372036854775808', { ok: '-9223372036854775808' }],
    ['numeric', '1e3', { ok: '1e3' }],
    ['double', '1e400', { error: '"1e400" is not a double precision number' }],
    ['boolean', 'Yes', { ok: 't' }],
    ['date', '2028-02-29', { ok: '2028-02-29' }],
    [
      'date',
      '2027-02-29',
      { error: '"2027-02-29" is not a date (YYYY-MM-DD)' },
    ],
    ['timestamptz', '2026-12-01 06:00', { ok: '2026-12-01 06:00Z' }],
    [
      'timestamptz',
      '2026-12-01T06:00:00+01:00',
      { ok: '2026-12-01T06:00:00+01:00' },
    ],
    [
      'timestamptz',
      '2026-12-01T24:00:00Z',
      { error: expect.stringContaining('is not a timestamp') },
    ],
    ['text', 'a\tb\\c', { ok: 'a\\tb\\\\c' }],
  ] as const)('%s %j', (type, value, expected) => {
    expect(copyValue(type, value)).toEqual(expected);
  });
});

function f(value: string, quoted = false) {
  return { value, quoted };
}
