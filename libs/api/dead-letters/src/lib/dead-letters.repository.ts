import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import { instantText, type InstantCursor } from '@flow/api/core';
import { queryRows } from '@flow/api/db';
import { quoteIdent } from '@flow/pipeline-ir';

export type DeadLetterKind = 'validate' | 'write' | 'parse';
export type DeadLetterStatus = 'open' | 'replayed';

export interface DeadLetterRow {
  id: string;
  run_id: string | null;
  node_id: string;
  kind: DeadLetterKind;
  reason: string;
  row_key: Record<string, Record<string, unknown>> | null;
  row: Record<string, unknown>;
  file: string | null;
  line: string | null;
  status: DeadLetterStatus;
  replayed_by_run_id: string | null;
  attempts: number;
  created_at: Date;
  /** `created_at` to the microsecond, for keyset cursors. */
  created_at_text: string;
}

export interface DeadLetterFilter {
  status: DeadLetterStatus | null;
  runId: string | null;
}

/** For each node whose letters a replay can take: the sources whose key a letter must carry (`planReplay`). */
export type LetterSources = Record<string, string[]>;

/** Replays of one pipeline serialise on this transaction-scoped advisory lock: (namespace, hash of the pipeline id). */
const REPLAY_LOCK_NAMESPACE = 0x646c71; // "dlq"

/**
 * The open letters of a pipeline a replay can take: chosen ones (or all), written by a node that still writes
 * letters, whose row key carries every source upstream of that node. Oldest first.
 */
const REPLAYABLE = (letters: string) => `
  SELECT id FROM ${letters}
   WHERE tenant_id = $1 AND pipeline_id = $2 AND status = 'open'
     AND ($3::uuid[] IS NULL OR id = ANY($3::uuid[]))
     AND $4::jsonb ? node_id
     AND row_key ?& ARRAY(SELECT jsonb_array_elements_text($4::jsonb -> node_id))
   ORDER BY created_at, id
   LIMIT $5`;

const LETTER_COLUMNS = `id, run_id, node_id, kind, reason, row_key, row, file, line::text AS line, status,
  replayed_by_run_id, attempts, created_at, ${instantText('created_at')} AS created_at_text`;

/** Queries on `dead_letters`: the list and its counts, and a replay's pick, lock and outcome. */
@Injectable()
export class DeadLettersRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * A page of the pipeline's letters, newest first, keyset on (created_at, id), and the open/replayed counts
   * (filtered by run, not by status). Null when the tenant has no such pipeline.
   */
  async listPage(
    tenantId: string,
    pipelineId: string,
    filter: DeadLetterFilter,
    limit: number,
    after: InstantCursor | null,
  ): Promise<{
    rows: DeadLetterRow[];
    counts: { open: number; replayed: number };
  } | null> {
    const [page, counts] = await Promise.all([
      queryRows<Partial<DeadLetterRow> & { found: boolean }>(
        this.dataSource,
        `SELECT true AS found, d.*
           FROM pipelines p
           LEFT JOIN LATERAL (
                SELECT ${LETTER_COLUMNS} FROM dead_letters
                 WHERE pipeline_id = p.id
                   AND ($3::text IS NULL OR status = $3)
                   AND ($4::uuid IS NULL OR run_id = $4)
                   AND ($5::timestamptz IS NULL OR (created_at, id) < ($5::timestamptz, $6::uuid))
                 ORDER BY created_at DESC, id DESC
                 LIMIT $7) AS d ON true
          WHERE p.tenant_id = $1 AND p.id = $2`,
        [
          tenantId,
          pipelineId,
          filter.status,
          filter.runId,
          after?.instant ?? null,
          after?.id ?? null,
          limit,
        ],
      ),
      queryRows<{ open: number; replayed: number }>(
        this.dataSource,
        `SELECT count(*) FILTER (WHERE status = 'open')::int AS open,
                count(*) FILTER (WHERE status = 'replayed')::int AS replayed
           FROM dead_letters
          WHERE tenant_id = $1 AND pipeline_id = $2 AND ($3::uuid IS NULL OR run_id = $3)`,
        [tenantId, pipelineId, filter.runId],
      ),
    ]);
    if (page.length === 0) return null;
    return {
      rows: page.filter(
        (row) => row.id !== null && row.id !== undefined,
      ) as DeadLetterRow[],
      counts: counts[0],
    };
  }

  /** Whether a replay would find at least one letter to take (the 409 check before queueing one). */
  async anyReplayable(
    tenantId: string,
    pipelineId: string,
    ids: readonly string[] | null,
    sources: LetterSources,
  ): Promise<boolean> {
    const rows = await queryRows(this.dataSource, REPLAYABLE('dead_letters'), [
      tenantId,
      pipelineId,
      ids,
      JSON.stringify(sources),
      1,
    ]);
    return rows.length > 0;
  }

  /**
   * Inside a replay run's transaction: waits for any other replay of the pipeline to finish (so no letter is
   * replayed twice), then takes the replayable letters, at most `limit`, oldest first.
   */
  async takeForReplay(
    manager: EntityManager,
    controlSchema: string,
    run: { tenantId: string; pipelineId: string },
    ids: readonly string[] | null,
    sources: LetterSources,
    limit: number,
  ): Promise<string[]> {
    await queryRows(manager, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, [
      REPLAY_LOCK_NAMESPACE,
      run.pipelineId,
    ]);
    const rows = await queryRows<{ id: string }>(
      manager,
      REPLAYABLE(`${quoteIdent(controlSchema)}.dead_letters`),
      [run.tenantId, run.pipelineId, ids, JSON.stringify(sources), limit],
    );
    return rows.map((row) => row.id);
  }

  /**
   * Inside the replay run's transaction, after its statements: a taken letter whose row the run rejected again
   * (a letter of this run with the same row key) stays open with `attempts + 1` and the new reason, and that new
   * letter is folded into it; every other taken letter is `replayed` by this run.
   */
  async settleReplay(
    manager: EntityManager,
    controlSchema: string,
    runId: string,
    ids: readonly string[],
  ): Promise<{ replayed: number; stillOpen: number }> {
    const letters = `${quoteIdent(controlSchema)}.dead_letters`;
    const [row] = await queryRows<{ replayed: number; still_open: number }>(
      manager,
      `WITH taken AS (
         SELECT id, row_key FROM ${letters} WHERE id = ANY($2::uuid[])
       ), again AS (
         SELECT DISTINCT ON (t.id) t.id AS letter_id, n.kind, n.node_id, n.reason, n.row
           FROM taken t JOIN ${letters} n ON n.run_id = $1 AND n.row_key = t.row_key
          ORDER BY t.id, n.id
       ), failed_again AS (
         UPDATE ${letters} d
            SET attempts = d.attempts + 1, kind = a.kind, node_id = a.node_id, reason = a.reason, row = a.row
           FROM again a WHERE d.id = a.letter_id
         RETURNING d.id
       ), folded AS (
         DELETE FROM ${letters} n
          WHERE n.run_id = $1 AND n.row_key IN (SELECT row_key FROM taken)
         RETURNING n.id
       ), replayed AS (
         UPDATE ${letters} SET status = 'replayed', replayed_by_run_id = $1
          WHERE id = ANY($2::uuid[]) AND id NOT IN (SELECT letter_id FROM again)
         RETURNING id
       )
       SELECT (SELECT count(*) FROM replayed)::int AS replayed,
              (SELECT count(*) FROM failed_again)::int AS still_open,
              (SELECT count(*) FROM folded)::int AS folded`,
      [runId, ids],
    );
    return { replayed: row.replayed, stillOpen: row.still_open };
  }
}
