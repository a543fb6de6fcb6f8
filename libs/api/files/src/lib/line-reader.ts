import type { FileFormat } from '@flow/contracts';

/** A file the run refuses as a whole (empty, binary, not UTF-8, wrong header): nothing of it is written. */
export class FileRejectedError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(
      `file ${file} rejected: ${reason}; nothing was written and it was moved to .failed/`,
    );
    this.name = 'FileRejectedError';
  }
}

/** One csv field: its text, and whether it was quoted (an unquoted empty field is NULL, a quoted one is ''). */
export interface CsvField {
  value: string;
  quoted: boolean;
}

/** One record of a file: where it starts, its raw text (for `.failed/`), and its fields or why it has none. */
export type FileRecord =
  | { line: number; raw: string; fields: CsvField[] }
  | { line: number; raw: string; json: unknown }
  | { line: number; raw: string; error: string };

/** A csv record may span lines inside quotes, up to this many characters. */
export const MAX_RECORD_CHARS = 1_048_576;

/**
 * The records of a csv or ndjson file, streamed: the bytes must be UTF-8 (a NUL byte or an invalid sequence means a
 * binary file, rejected as a whole), lines end with LF or CRLF, blank lines are skipped. A csv record's quoted
 * field may hold line breaks; its line is the one it starts on.
 */
export async function* readRecords(
  chunks: AsyncIterable<Buffer>,
  format: FileFormat,
  file: string,
): AsyncGenerator<FileRecord> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending = '';
  let lineNumber = 0;
  let record: { line: number; text: string } | null = null;
  let bytes = 0;

  const take = function* (physical: string): Generator<FileRecord> {
    lineNumber += 1;
    const text = physical.endsWith('\r') ? physical.slice(0, -1) : physical;
    if (format === 'ndjson') {
      if (text.trim() === '') return;
      try {
        yield { line: lineNumber, raw: text, json: JSON.parse(text) };
      } catch (error) {
        yield {
          line: lineNumber,
          raw: text,
          error: `not a JSON value: ${(error as Error).message}`,
        };
      }
      return;
    }
    const current: { line: number; text: string } = record
      ? { line: record.line, text: `${record.text}\n${text}` }
      : { line: lineNumber, text };
    if (!record && text === '') return;
    const fields = parseCsv(current.text);
    if (fields === 'open') {
      if (current.text.length > MAX_RECORD_CHARS) {
        record = null;
        yield {
          line: current.line,
          raw: current.text,
          error: `a quoted field is not closed within ${MAX_RECORD_CHARS} characters`,
        };
        return;
      }
      record = current;
      return;
    }
    record = null;
    if (typeof fields === 'string')
      yield { line: current.line, raw: current.text, error: fields };
    else yield { line: current.line, raw: current.text, fields };
  };

  for await (const chunk of chunks) {
    bytes += chunk.length;
    if (chunk.includes(0))
      throw new FileRejectedError(file, 'it is binary (it contains NUL bytes)');
    try {
      pending += decoder.decode(chunk, { stream: true });
    } catch {
      throw new FileRejectedError(file, 'it is not UTF-8 text');
    }
    if (lineNumber === 0 && pending.charCodeAt(0) === 0xfeff)
      pending = pending.slice(1);
    let start = 0;
    for (
      let end = pending.indexOf('\n', start);
      end !== -1;
      end = pending.indexOf('\n', start)
    ) {
      yield* take(pending.slice(start, end));
      start = end + 1;
    }
    pending = pending.slice(start);
  }
  if (bytes === 0) throw new FileRejectedError(file, 'it is empty (0 bytes)');
  try {
    pending += decoder.decode();
  } catch {
    throw new FileRejectedError(file, 'it is not UTF-8 text');
  }
  if (pending !== '') yield* take(pending);
  if (record) {
    const open: { line: number; text: string } = record;
    yield {
      line: open.line,
      raw: open.text,
      error: 'a quoted field is not closed at the end of the file',
    };
  }
}

/**
 * One csv record (RFC 4180: `,` separates, `"` quotes, `""` is a quote inside quotes). `'open'` when a quoted field
 * continues on the next line; a message when the quoting is malformed.
 */
export function parseCsv(text: string): CsvField[] | 'open' | string {
  if (!text.includes('"'))
    return text.split(',').map((value) => ({ value, quoted: false }));
  const fields: CsvField[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const quote = text.indexOf('"', j);
        if (quote === -1) return 'open';
        value += text.slice(j, quote);
        if (text[quote + 1] === '"') {
          value += '"';
          j = quote + 2;
          continue;
        }
        j = quote + 1;
        break;
      }
      if (j < text.length && text[j] !== ',')
        return `unexpected character after a closing quote at column ${j + 1}`;
      fields.push({ value, quoted: true });
      if (j >= text.length) return fields;
      i = j + 1;
      continue;
    }
    const comma = text.indexOf(',', i);
    const value = comma === -1 ? text.slice(i) : text.slice(i, comma);
    if (value.includes('"'))
      return `a quote inside an unquoted field at column ${i + value.indexOf('"') + 1}`;
    fields.push({ value, quoted: false });
    if (comma === -1) return fields;
    i = comma + 1;
  }
}
