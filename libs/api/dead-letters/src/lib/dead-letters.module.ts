import { Module } from '@nestjs/common';

import { DeadLettersRepository } from './dead-letters.repository';

/** Dead letters: the list of a pipeline's rejected rows, and the queries a replay run takes and settles them with. */
@Module({
  providers: [DeadLettersRepository],
  exports: [DeadLettersRepository],
})
export class DeadLettersModule {}
