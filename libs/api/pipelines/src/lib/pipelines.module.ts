import { Module } from '@nestjs/common';

import { CatalogRepository } from './catalog.repository';
import { CatalogService } from './catalog.service';
import { LineageController } from './lineage.controller';
import { LineageRepository } from './lineage.repository';
import { LineageService } from './lineage.service';
import { PipelineVersionsController } from './pipeline-versions.controller';
import { PipelineVersionsService } from './pipeline-versions.service';
import { PipelinesController } from './pipelines.controller';
import { PipelinesRepository } from './pipelines.repository';
import { PipelinesService } from './pipelines.service';
import { SqlPreviewController } from './sql-preview.controller';
import { SqlPreviewService } from './sql-preview.service';

/** Pipelines CRUD, IR documents and their versions, the tenants' catalogs, SQL previews and lineage. */
@Module({
  controllers: [
    PipelinesController,
    PipelineVersionsController,
    SqlPreviewController,
    LineageController,
  ],
  providers: [
    PipelinesRepository,
    PipelinesService,
    PipelineVersionsService,
    CatalogRepository,
    CatalogService,
    SqlPreviewService,
    LineageRepository,
    LineageService,
  ],
  exports: [PipelinesService, CatalogService, LineageService],
})
export class PipelinesModule {}
