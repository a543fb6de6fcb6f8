import { Injectable, NotFoundException } from '@nestjs/common';

import { isUuid, parsePageLimit, ValidationFailedError } from '@flow/api/core';
import type { TenantContext } from '@flow/api/tenancy';
import type {
  PipelineVersionListResponse,
  PipelineVersionResponse,
  PipelineVersionSummary,
} from '@flow/contracts';

import {
  PipelinesRepository,
  type PipelineVersionRow,
} from './pipelines.repository';

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;

/** A pipeline's IR versions (DESIGN §13): the list, newest first, and one version with its IR. */
@Injectable()
export class PipelineVersionsService {
  constructor(private readonly pipelines: PipelinesRepository) {}

  async list(
    tenant: TenantContext,
    id: string,
    query: { limit?: string; cursor?: string },
  ): Promise<PipelineVersionListResponse> {
    const limit = parsePageLimit(query.limit, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    const before =
      query.cursor === undefined || query.cursor === ''
        ? null
        : decodeCursor(query.cursor);
    const rows = isUuid(id)
      ? await this.pipelines.listVersions(tenant.id, id, limit + 1, before)
      : null;
    if (!rows) throw new NotFoundException('Pipeline not found');
    const page = rows.slice(0, limit);
    return {
      items: page.map(toSummary),
      nextCursor:
        rows.length > limit
          ? encodeCursor(page[page.length - 1].version)
          : null,
    };
  }

  async get(
    tenant: TenantContext,
    id: string,
    rawVersion: string,
  ): Promise<PipelineVersionResponse> {
    if (!/^\d{1,9}$/.test(rawVersion) || Number(rawVersion) < 1)
      throw new ValidationFailedError([
        { path: 'version', message: 'must be a version number (1, 2, …)' },
      ]);
    const row = isUuid(id)
      ? await this.pipelines.findVersion(tenant.id, id, Number(rawVersion))
      : null;
    if (!row)
      throw new NotFoundException(
        `Pipeline not found, or it has no version ${Number(rawVersion)}`,
      );
    return { ...toSummary(row), ir: row.ir };
  }
}

function toSummary(row: PipelineVersionRow): PipelineVersionSummary {
  return {
    version: row.version,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
  };
}

function encodeCursor(version: number): string {
  return Buffer.from(JSON.stringify({ before: version }), 'utf8').toString(
    'base64url',
  );
}

function decodeCursor(cursor: string): number {
  try {
    const decoded = JSON.parse(
      Buffer.from(cursor, 'base64url').toString('utf8'),
    ) as { before?: unknown };
    if (Number.isSafeInteger(decoded.before) && Number(decoded.before) >= 1)
      return Number(decoded.before);
  } catch {
    // fall through to the 400 below
  }
  throw new ValidationFailedError([
    { path: 'cursor', message: 'is not a cursor returned by this endpoint' },
  ]);
}
