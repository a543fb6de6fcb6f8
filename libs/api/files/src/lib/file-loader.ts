import { once } from 'node:events';

import { Inject, Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

import type { FileNode } from '@flow/contracts';
import {
  CAST_SQL_TYPES,
  fileStageTable,
  quoteIdent,
  quoteTrustedQualifiedName,
} from '@flow/pipeline-ir';

import {
  LANDING_STORAGE,
  type FailedLinesWriter,
  type LandingStorage,
} from './landing-zone';
import { FileRejectedError, readRecords, type FileRecord } from './line-reader';
import { COPY_NULL, copyValue, type CopyValue } from './value-checks';

/** A file whose lines mostly do not parse is refused as a whole beyond this many bad lines (its format is wrong). */
export const MAX_PARSE_DEAD_LETTERS = 100_000;
const DEAD_LETTER_BATCH = 1_000;
const COPY_BUFFER_CHARS = 64 * 1024;
const MAX_DEAD_LETTER_RAW = 2_000;

export interface FileLoadContext {
  tenantId: string;
  tenantSlug: string;
  pipelineId: string;
  runId: string;
  /** Trusted `schema.table` of the dead letters. */
  deadLetterTable: string;
}

/** What loading one file did: lines staged, lines refused (dead letters + `.failed/`), and the writer of the latter. */
export interface LoadedFile {
  path: string;
  rows: number;
  rejected: number;
  failedLines: FailedLinesWriter;
}

interface ParseLetter {
  line: number;
  reason: string;
  row: Record<string, unknown>;
}

/**
 * Loads a file node's files into its stage table inside the run's transaction: each line is parsed and checked
 * against the declared column types here, good lines stream into `COPY … FROM STDIN`, bad ones become `parse`
 * dead letters (file, line, reason) and raw lines for `.failed/<file>`. A file refused as a whole throws
 * {@link FileRejectedError}; the caller rolls back, so nothing of it is written.
 */
@Injectable()
export class FileLoader {
  constructor(
    @Inject(LANDING_STORAGE) private readonly storage: LandingStorage,
  ) {}

  /** Creates the node's stage table (dropped at commit), empty until files are loaded. */
  async createStage(client: PoolClient, node: FileNode): Promise<void> {
    const columns = node.columns
      .map(
        (column) => `${quoteIdent(column.name)} ${CAST_SQL_TYPES[column.type]}`,
      )
      .join(', ');
    await client.query(
      `CREATE TEMPORARY TABLE ${fileStageTable(node.id)} (${columns}) ON COMMIT DROP`,
    );
  }

  async load(
    client: PoolClient,
    node: FileNode,
    path: string,
    context: FileLoadContext,
  ): Promise<LoadedFile> {
    const failedLines = this.storage.failedLines(
      context.tenantSlug,
      path,
      context.runId,
    );
    try {
      const { rows, letters } = await this.copy(
        client,
        node,
        this.storage.read(context.tenantSlug, path),
        path,
        failedLines,
      );
      await this.insertLetters(client, node, path, letters, context);
      return { path, rows, rejected: letters.length, failedLines };
    } catch (error) {
      await failedLines.discard();
      throw error;
    }
  }

  private async copy(
    client: PoolClient,
    node: FileNode,
    bytes: AsyncIterable<Buffer>,
    path: string,
    failedLines: FailedLinesWriter,
  ): Promise<{ rows: number; letters: ParseLetter[] }> {
    const names = node.columns.map((column) => column.name);
    const stream = client.query(
      copyFrom(
        `COPY ${fileStageTable(node.id)} (${names.map(quoteIdent).join(', ')}) FROM STDIN`,
      ),
    );
    const finished = new Promise<void>((resolve, reject) => {
      stream.on('finish', resolve);
      stream.on('error', reject);
    });
    const letters: ParseLetter[] = [];
    let rows = 0;
    let buffer = '';
    const flush = async () => {
      if (buffer === '') return;
      const text = buffer;
      buffer = '';
      if (!stream.write(text)) await once(stream, 'drain');
    };
    try {
      let headerPending = node.format === 'csv' && node.header !== false;
      for await (const record of readRecords(bytes, node.format, path)) {
        if (headerPending) {
          headerPending = false;
          checkHeader(record, names, path);
          continue;
        }
        const converted = toCopyLine(node, record);
        if ('line' in converted) {
          rows += 1;
          buffer += converted.line;
          if (buffer.length >= COPY_BUFFER_CHARS) await flush();
          continue;
        }
        letters.push({
          line: record.line,
          reason: converted.reason,
          row: converted.row,
        });
        await failedLines.write(record.raw);
        if (letters.length > MAX_PARSE_DEAD_LETTERS)
          throw new FileRejectedError(
            path,
            `more than ${MAX_PARSE_DEAD_LETTERS} lines do not parse (is the format right?)`,
          );
      }
      if (headerPending)
        throw new FileRejectedError(path, 'it has no header line');
      await flush();
      stream.end();
      await finished;
    } catch (error) {
      // Ends the COPY with an error so the connection is usable for the rollback.
      stream.destroy(error as Error);
      await finished.catch(() => undefined);
      throw error;
    }
    return { rows, letters };
  }

  private async insertLetters(
    client: PoolClient,
    node: FileNode,
    path: string,
    letters: ParseLetter[],
    context: FileLoadContext,
  ): Promise<void> {
    const table = quoteTrustedQualifiedName(context.deadLetterTable);
    for (let start = 0; start < letters.length; start += DEAD_LETTER_BATCH) {
      await client.query(
        `INSERT INTO ${table} (tenant_id, pipeline_id, run_id, node_id, kind, reason, row, file, line)
         SELECT $1, $2, $3, $4, 'parse', l.reason, l.row, $5, l.line
           FROM jsonb_to_recordset($6::jsonb) AS l(line bigint, reason text, row jsonb)`,
        [
          context.tenantId,
          context.pipelineId,
          context.runId,
          node.id,
          path,
          JSON.stringify(letters.slice(start, start + DEAD_LETTER_BATCH)),
        ],
      );
    }
  }
}

function checkHeader(record: FileRecord, names: string[], path: string): void {
  const found =
    'fields' in record
      ? record.fields.map((field) => field.value.trim())
      : null;
  if (
    !found ||
    found.length !== names.length ||
    found.some((name, i) => name !== names[i])
  )
    throw new FileRejectedError(
      path,
      `wrong header on line ${record.line}: expected "${names.join(',')}", found "${shown(record.raw)}"`,
    );
}

/** A record as one COPY text line, or why it is a dead letter (with the row as far as it was read). */
function toCopyLine(
  node: FileNode,
  record: FileRecord,
): { line: string } | { reason: string; row: Record<string, unknown> } {
  if ('error' in record)
    return { reason: record.error, row: { raw: shown(record.raw) } };
  const values: string[] = [];
  const row: Record<string, unknown> = {};
  if ('fields' in record) {
    if (record.fields.length !== node.columns.length)
      return {
        reason: `expected ${node.columns.length} fields, found ${record.fields.length}`,
        row: { raw: shown(record.raw) },
      };
    let problem: string | undefined;
    node.columns.forEach((column, i) => {
      const field = record.fields[i];
      row[column.name] =
        field.value === '' && !field.quoted ? null : field.value;
      if (problem) return;
      const value: CopyValue =
        field.value === '' && (!field.quoted || column.type !== 'text')
          ? { ok: COPY_NULL }
          : copyValue(column.type, field.value);
      if ('error' in value) problem = `column "${column.name}": ${value.error}`;
      else values.push(value.ok);
    });
    if (problem) return { reason: problem, row };
    return { line: `${values.join('\t')}\n` };
  }
  const json = record.json;
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return {
      reason: 'not a JSON object',
      row: { raw: shown(record.raw) },
    };
  const object = json as Record<string, unknown>;
  for (const column of node.columns) {
    const raw = object[column.name];
    row[column.name] = raw ?? null;
    let value: CopyValue;
    if (raw === undefined || raw === null) value = { ok: COPY_NULL };
    else if (
      typeof raw === 'string' ||
      typeof raw === 'number' ||
      typeof raw === 'boolean'
    )
      value = copyValue(column.type, String(raw));
    else value = { error: 'must be a string, number or boolean' };
    if ('error' in value)
      return { reason: `column "${column.name}": ${value.error}`, row: object };
    values.push(value.ok);
  }
  return { line: `${values.join('\t')}\n` };
}

function shown(raw: string): string {
  return raw.length > MAX_DEAD_LETTER_RAW
    ? `${raw.slice(0, MAX_DEAD_LETTER_RAW)}…`
    : raw;
}
