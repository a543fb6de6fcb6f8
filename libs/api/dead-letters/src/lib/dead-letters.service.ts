import { Injectable, NotFoundException } from '@nestjs/common';

import {
  decodeInstantCursor,
  encodeInstantCursor,
  isUuid,
  parsePageLimit,
  ValidationFailedError,
} from '@flow/api/core';
import type { TenantContext } from '@flow/api/tenancy';
import type {
  DeadLetter,
  DeadLetterListResponse,
  DeadLetterStatus,
  FieldError,
} from '@flow/contracts';

import {
  DeadLettersRepository,
  type DeadLetterRow,
} from './dead-letters.repository';

export const DEFAULT_DEAD_LETTERS_PAGE_SIZE = 50;
export const MAX_DEAD_LETTERS_PAGE_SIZE = 100;
const STATUSES: readonly DeadLetterStatus[] = ['open', 'replayed'];

export interface DeadLetterQuery {
  status?: string;
  runId?: string;
  limit?: string;
  cursor?: string;
}

/** A pipeline's dead letters, tenant-scoped: another tenant's pipeline is a 404 like a missing one. */
@Injectable()
export class DeadLettersService {
  constructor(private readonly deadLetters: DeadLettersRepository) {}

  async list(
    tenant: TenantContext,
    pipelineId: string,
    query: DeadLetterQuery,
  ): Promise<DeadLetterListResponse> {
    const errors: FieldError[] = [];
    const status = optional(query.status);
    if (status !== null && !(STATUSES as readonly string[]).includes(status))
      errors.push({ path: 'status', message: 'must be one of open, replayed' });
    const runId = optional(query.runId);
    if (runId !== null && !isUuid(runId))
      errors.push({ path: 'runId', message: 'must be a uuid' });
    if (errors.length > 0) throw new ValidationFailedError(errors);
    const limit = parsePageLimit(
      query.limit,
      DEFAULT_DEAD_LETTERS_PAGE_SIZE,
      MAX_DEAD_LETTERS_PAGE_SIZE,
    );
    const after = decodeInstantCursor(query.cursor);
    const page = isUuid(pipelineId)
      ? await this.deadLetters.listPage(
          tenant.id,
          pipelineId,
          { status: status as DeadLetterStatus | null, runId },
          limit + 1,
          after,
        )
      : null;
    if (!page) throw new NotFoundException('Pipeline not found');
    const rows = page.rows.slice(0, limit);
    const last = rows[rows.length - 1];
    return {
      items: rows.map(toResponse),
      nextCursor:
        page.rows.length > limit
          ? encodeInstantCursor(last.created_at_text, last.id)
          : null,
      counts: page.counts,
    };
  }
}

function optional(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}

function toResponse(row: DeadLetterRow): DeadLetter {
  return {
    id: row.id,
    runId: row.run_id,
    nodeId: row.node_id,
    kind: row.kind,
    reason: row.reason,
    rowKey: row.row_key,
    row: row.row,
    file: row.file,
    line: row.line === null ? null : Number(row.line),
    status: row.status,
    replayedByRunId: row.replayed_by_run_id,
    attempts: row.attempts,
    createdAt: row.created_at.toISOString(),
  };
}
