import type { QueryRunner } from 'typeorm';

import type {
  CompiledSql,
  CompiledStatement,
  IsolatedWrite,
  TargetResultRow,
} from '@flow/pipeline-ir';

/** A target may dead-letter this many rows in one run; one more fails the run (each costs a few round trips). */
export const MAX_WRITE_DEAD_LETTERS = 10_000;

/** The table rejected more rows than {@link MAX_WRITE_DEAD_LETTERS}: the data or the table needs fixing first. */
export class TooManyRejectedRowsError extends Error {
  constructor(node: string, firstReason: string) {
    super(
      `target "${node}" rejected more than ${MAX_WRITE_DEAD_LETTERS} rows (the first: ${firstReason}); nothing was written`,
    );
    this.name = 'TooManyRejectedRowsError';
  }
}

/**
 * Runs one target statement inside the run's transaction. When the table rejects a row — SQLSTATE class 22 (a
 * failed cast, a value too long or out of range) or 23 (NOT NULL, CHECK, UNIQUE, FOREIGN KEY) — the statement is
 * rolled back to a savepoint and its rows are written again one slice at a time: every row the table takes is
 * written, every row it rejects becomes a dead letter (kind `write`) with the database's message. A run without
 * rejected rows pays one savepoint.
 */
export async function executeTarget(
  runner: QueryRunner,
  statement: CompiledStatement,
): Promise<TargetResultRow> {
  const isolation = statement.isolation;
  if (!isolation) return firstRow(await run(runner, statement));
  await runner.query('SAVEPOINT flow_target');
  try {
    const row = firstRow(await run(runner, statement));
    await runner.query('RELEASE SAVEPOINT flow_target');
    return row;
  } catch (error) {
    if (!isRowRejection(error)) throw error;
    await runner.query('ROLLBACK TO SAVEPOINT flow_target');
    return writeIsolated(runner, statement.node, isolation);
  }
}

async function writeIsolated(
  runner: QueryRunner,
  node: string,
  isolation: IsolatedWrite,
): Promise<TargetResultRow> {
  await run(runner, isolation.createStage);
  const staged = firstRow(await run(runner, isolation.stage));
  if (staged.failed) return staged;
  const count = Number(staged.rows_written);
  let written = 0;
  let rejected = 0;
  let firstReason = '';
  // The whole batch was rejected once already: start from its halves. Each slice that fails is split in two
  // until single rows remain, so a few bad rows cost O(bad · log n) statements; at most 2n in all.
  const pending: [number, number][] = halves(0, count);
  for (let slice = pending.pop(); slice; slice = pending.pop()) {
    const [after, upTo] = slice;
    await runner.query('SAVEPOINT flow_slice');
    try {
      const [result] = await run(runner, isolation.writeSlice, [after, upTo]);
      written += Number((result as { written: string | number }).written);
      await runner.query('RELEASE SAVEPOINT flow_slice');
    } catch (error) {
      if (!isRowRejection(error)) throw error;
      await runner.query('ROLLBACK TO SAVEPOINT flow_slice');
      if (upTo - after > 1) {
        pending.push(...halves(after, upTo));
        continue;
      }
      const reason = reasonOf(error);
      firstReason ||= reason;
      if (++rejected > MAX_WRITE_DEAD_LETTERS)
        throw new TooManyRejectedRowsError(node, firstReason);
      await run(runner, isolation.deadLetter, [upTo, reason]);
    }
  }
  const metrics = staged.node_metrics[node];
  return {
    ...staged,
    rows_written: written,
    rows_rejected: Number(staged.rows_rejected) + rejected,
    node_metrics: {
      ...staged.node_metrics,
      [node]: { ...metrics, rows: written, rejected },
    },
  };
}

/** `(after, upTo]` split in two, the first half last (popped first, so rows are written in order). */
function halves(after: number, upTo: number): [number, number][] {
  const middle = after + Math.ceil((upTo - after) / 2);
  return [
    [middle, upTo],
    [after, middle],
  ].filter(([from, to]) => to > from) as [number, number][];
}

async function run(
  runner: QueryRunner,
  compiled: CompiledSql,
  reserved: unknown[] = [],
): Promise<unknown[]> {
  const parameters = [
    ...reserved,
    ...compiled.parameters.slice(reserved.length),
  ];
  const result = await runner.query(compiled.sql, parameters, true);
  return result.records as unknown[];
}

function firstRow(records: unknown[]): TargetResultRow {
  return records[0] as TargetResultRow;
}

function sqlState(error: unknown): string | undefined {
  const candidate = error as {
    code?: unknown;
    driverError?: { code?: unknown };
  } | null;
  const code = candidate?.driverError?.code ?? candidate?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Data exceptions (22) and integrity constraint violations (23): the row, not the SQL, is wrong. */
function isRowRejection(error: unknown): boolean {
  const code = sqlState(error);
  return code !== undefined && (code.startsWith('22') || code.startsWith('23'));
}

/** The database's message, with its detail (e.g. `Key (id)=(7) already exists.`) when it gives one. */
function reasonOf(error: unknown): string {
  const driver =
    (error as { driverError?: { message?: string; detail?: string } })
      .driverError ?? (error as { message?: string; detail?: string });
  const message = driver.message ?? String(error);
  return driver.detail ? `${message} (${driver.detail})` : message;
}
