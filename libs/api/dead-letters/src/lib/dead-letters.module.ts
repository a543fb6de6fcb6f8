import { Module } from '@nestjs/common';

import { DeadLettersController } from './dead-letters.controller';
import { DeadLettersRepository } from './dead-letters.repository';
import { DeadLettersService } from './dead-letters.service';

/**
 * Dead letters: `GET /pipelines/:id/dead-letters`, and the queries a replay run takes and settles its letters with
 * (the repository, for the runs module).
 */
@Module({
  controllers: [DeadLettersController],
  providers: [DeadLettersRepository, DeadLettersService],
  exports: [DeadLettersRepository],
})
export class DeadLettersModule {}
