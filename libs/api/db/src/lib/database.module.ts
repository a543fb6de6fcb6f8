import { DynamicModule, Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Infrastructure: the one DataSource (TypeORM over a pg pool), created and migrated before Nest boots and
 * injected by class. Global because every feature's repository needs it. Whoever created the DataSource closes it,
 * after the application has closed — so work that drains on shutdown (a running tick, running runs) still has it.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forDataSource(dataSource: DataSource): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [{ provide: DataSource, useValue: dataSource }],
      exports: [DataSource],
    };
  }
}
