import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

import { CurrentTenant, type TenantContext } from '@flow/api/tenancy';

import { StatusService } from './status.service';

@ApiTags('scheduler')
@ApiBearerAuth()
@Controller('scheduler-status')
export class StatusController {
  constructor(private readonly status: StatusService) {}

  /**
   * Without `limit`: every scheduled pipeline (`SchedulerStatusResponse`); with it, a page (`SchedulerStatusPage`).
   * The body is serialised by the service in event-loop slices, so the reply sends it as is; an `If-None-Match`
   * naming the current ETag answers 304.
   */
  @Get()
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
