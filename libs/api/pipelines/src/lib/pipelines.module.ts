import { Module } from '@nestjs/common';

import { PipelinesController } from './pipelines.controller';
import { PipelinesRepository } from './pipelines.repository';
import { PipelinesService } from './pipelines.service';

/** Pipelines CRUD and IR documents. */
@Module({
  controllers: [PipelinesController],
  providers: [PipelinesRepository, PipelinesService],
  exports: [PipelinesService],
})
export class PipelinesModule {}
