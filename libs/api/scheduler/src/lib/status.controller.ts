import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';

import { Endpoint, ExpensiveRead } from '@flow/api/core';
import { CurrentTenant, type TenantContext } from '@flow/api/tenancy';
import {
  LagLevelSchema,
  SCHEDULER_STATUS_MAX_LIMIT,
  SCHEDULER_STATUS_SORTS,
  SchedulerStatusPageSchema,
  SchedulerStatusResponseSchema,
  StringEnum,
} from '@flow/contracts';

import { StatusService } from './status.service';

const NEEDS_LIMIT = ' Only with `limit` (a paged request).';

const StatusQuerySchema = Type.Object({
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: SCHEDULER_STATUS_MAX_LIMIT,
      description: `Page size, 1–${SCHEDULER_STATUS_MAX_LIMIT}. Absent: every scheduled pipeline (\`SchedulerStatusResponse\`); present: a page (\`SchedulerStatusPage\`).`,
    }),
  ),
  cursor: Type.Optional(
    Type.String({
      description: `The previous page’s \`nextCursor\` (same sort and filters; not with \`offset\`).${NEEDS_LIMIT}`,
    }),
  ),
  offset: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 1_000_000,
      description: `Rows to skip (a jump to a page number).${NEEDS_LIMIT}`,
    }),
  ),
  sort: Type.Optional(
    StringEnum(SCHEDULER_STATUS_SORTS, {
      default: 'name',
      description: `Order; nulls last, ties by id.${NEEDS_LIMIT}`,
    }),
  ),
  order: Type.Optional(
    StringEnum(['asc', 'desc'], { default: 'asc', description: NEEDS_LIMIT }),
  ),
  q: Type.Optional(
    Type.String({
      maxLength: 200,
      description: `Name contains this text.${NEEDS_LIMIT}`,
    }),
  ),
  lagLevel: Type.Optional(LagLevelSchema),
  paused: Type.Optional(
    StringEnum(['true', 'false'], { description: NEEDS_LIMIT }),
  ),
  lastRunStatus: Type.Optional(
    StringEnum(
      ['queued', 'running', 'succeeded', 'failed', 'skipped', 'none'],
      { description: `\`none\`: never ran.${NEEDS_LIMIT}` },
    ),
  ),
});

@ApiTags('scheduler')
@Controller('scheduler-status')
export class StatusController {
  constructor(private readonly status: StatusService) {}

  /**
   * Without `limit`: every scheduled pipeline (`SchedulerStatusResponse`); with it, a page (`SchedulerStatusPage`).
   * The body is serialised by the service in event-loop slices, so the reply sends it as is; an `If-None-Match`
   * naming the current ETag answers 304.
   */
  @ExpensiveRead()
  @Get()
  @Endpoint({
    summary:
      'Every pipeline’s schedule, lag and next five fires (the scheduler page), whole or in pages',
    description:
      'Without `limit`: every scheduled pipeline (`SchedulerStatusResponse`). With `limit`: a page (`SchedulerStatusPage`) with counts, filters and an order. Cached per tenant and minute: `If-None-Match` with the current `ETag` answers 304.',
    security: 'tenant',
    query: StatusQuerySchema,
    response: Type.Union([
      SchedulerStatusResponseSchema,
      SchedulerStatusPageSchema,
    ]),
    responseHeaders: {
      ETag: 'Identifies this answer; send it back as `If-None-Match`.',
    },
    otherResponses: {
      304: 'Not modified since the `If-None-Match` ETag (no body).',
    },
    errors: {
      400: 'An unknown, repeated or invalid query parameter, or a paged-only parameter without `limit`; `details` names each.',
    },
  })
  async get(
    @CurrentTenant() tenant: TenantContext,
    @Query() query: Record<string, unknown>,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { etag, body } = await this.status.respond(
      tenant,
      query,
      ifNoneMatch,
    );
    reply.header('etag', etag).header('cache-control', 'private, no-cache');
    if (body === undefined) await reply.status(304).send();
    else await reply.type('application/json; charset=utf-8').send(body);
  }
}
