import { Injectable, NotFoundException } from '@nestjs/common';

import { isUuid, ValidationFailedError } from '@flow/api/core';
import type { TenantContext } from '@flow/api/tenancy';
import type { SqlPreviewResponse } from '@flow/contracts';
import { compilePreview, IrValidationError } from '@flow/pipeline-ir';

import { CatalogService } from './catalog.service';
import { PipelinesRepository } from './pipelines.repository';

/** The SQL a run of a pipeline would execute, against the tenant's current (cached) catalog. */
@Injectable()
export class SqlPreviewService {
  constructor(
    private readonly pipelines: PipelinesRepository,
    private readonly catalog: CatalogService,
  ) {}

  async preview(
    tenant: TenantContext,
    id: string,
  ): Promise<SqlPreviewResponse> {
    // One primary-key lookup scoped by tenant; the catalog comes from the cache.
    const [ir, catalog] = await Promise.all([
      isUuid(id) ? this.pipelines.findIr(tenant.id, id) : null,
      this.catalog.get(tenant.schema),
    ]);
    if (!ir) throw new NotFoundException('Pipeline not found');
    try {
      const { sql, parameters, columns, warnings } = compilePreview(
        ir.ir,
        catalog,
        { tenantId: tenant.id, pipelineId: id },
      );
      return { sql, parameters, columns, warnings };
    } catch (error) {
      // Only a stored IR that bypassed write-time validation gets here.
      if (error instanceof IrValidationError)
        throw new ValidationFailedError(error.details);
      throw error;
    }
  }
}
