import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import { queryRows } from '@flow/api/db';
import type { PipelineIr } from '@flow/contracts';
import { quoteIdent } from '@flow/pipeline-ir';

export interface StreamingPipelineRow {
  id: string;
  tenant_id: string;
  tenant_slug: string;
  name: string;
  paused: boolean;
  ir: PipelineIr;
  updated_at: Date;
}

export interface OffsetRow {
  pipeline_id: string;
  partition: number;
  seq: string;
  committed_at: Date;
}

export interface ParseLetter {
  seq: number;
  reason: string;
  payload: string;
}

/** Queries of the stream worker and the stream status: streaming pipelines, committed offsets, parse letters. */
@Injectable()
export class StreamsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Unpaused pipelines with a stream source (every tenant's: the worker serves them all), or one tenant's. */
  async streamingPipelines(
    tenantId: string | null = null,
    includePaused = false,
  ): Promise<StreamingPipelineRow[]> {
    return queryRows<StreamingPipelineRow>(
      this.dataSource,
      `SELECT p.id, p.tenant_id, t.slug AS tenant_slug, p.name, p.paused, p.ir, p.updated_at
         FROM pipelines p JOIN tenants t ON t.id = p.tenant_id
        WHERE p.ir -> 'nodes' @> '[{"type": "stream"}]'
          AND ($1::uuid IS NULL OR p.tenant_id = $1)
          AND ($2 OR NOT p.paused)
        ORDER BY p.name, p.id`,
      [tenantId, includePaused],
    );
  }

  /** The control-plane schema (where `dead_letters` lives), read before a transaction narrows the search path. */
  async controlSchema(manager: EntityManager): Promise<string> {
    const [row] = await queryRows<{ schema: string }>(
      manager,
      `SELECT current_schema()::text AS schema`,
    );
    return row.schema;
  }

  /**
   * The partition's committed sequence, its row locked for the transaction: a second worker on the same partition
   * waits here, then sees what the first committed (and skips it).
   */
  async lockOffset(
    manager: EntityManager,
    control: string,
    pipelineId: string,
    partition: number,
  ): Promise<number> {
    const table = `${quoteIdent(control)}.stream_offsets`;
    await queryRows(
      manager,
      `INSERT INTO ${table} (pipeline_id, partition, seq) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING`,
      [pipelineId, partition],
    );
    const [row] = await queryRows<{ seq: string }>(
      manager,
      `SELECT seq::text AS seq FROM ${table} WHERE pipeline_id = $1 AND partition = $2 FOR UPDATE`,
      [pipelineId, partition],
    );
    return Number(row.seq);
  }

  async saveOffset(
    manager: EntityManager,
    control: string,
    pipelineId: string,
    partition: number,
    seq: number,
  ): Promise<void> {
    await queryRows(
      manager,
      `UPDATE ${quoteIdent(control)}.stream_offsets SET seq = $3, committed_at = now()
        WHERE pipeline_id = $1 AND partition = $2`,
      [pipelineId, partition, seq],
    );
  }

  /** The committed sequence outside a batch (0 when nothing was committed yet). */
  async committedSeq(pipelineId: string, partition: number): Promise<number> {
    const [row] = await queryRows<{ seq: string }>(
      this.dataSource,
      `SELECT seq::text AS seq FROM stream_offsets WHERE pipeline_id = $1 AND partition = $2`,
      [pipelineId, partition],
    );
    return row ? Number(row.seq) : 0;
  }

  async offsets(pipelineIds: string[]): Promise<OffsetRow[]> {
    if (pipelineIds.length === 0) return [];
    return queryRows<OffsetRow>(
      this.dataSource,
      `SELECT pipeline_id, partition, seq::text AS seq, committed_at
         FROM stream_offsets WHERE pipeline_id = ANY($1::uuid[])`,
      [pipelineIds],
    );
  }

  /** Messages that do not parse, as `parse` letters with their partition and sequence (one statement). */
  async insertParseLetters(
    manager: EntityManager,
    control: string,
    letter: {
      tenantId: string;
      pipelineId: string;
      nodeId: string;
      partition: number;
    },
    letters: ParseLetter[],
  ): Promise<void> {
    if (letters.length === 0) return;
    await queryRows(
      manager,
      `INSERT INTO ${quoteIdent(control)}.dead_letters
              (tenant_id, pipeline_id, run_id, node_id, kind, row, reason, partition, seq)
       SELECT $1, $2, NULL, $3, 'parse', jsonb_build_object('payload', l.payload), l.reason, $4, l.seq
         FROM unnest($5::bigint[], $6::text[], $7::text[]) AS l(seq, reason, payload)`,
      [
        letter.tenantId,
        letter.pipelineId,
        letter.nodeId,
        letter.partition,
        letters.map((l) => l.seq),
        letters.map((l) => l.reason),
        letters.map((l) => l.payload),
      ],
    );
  }
}
