// A static import, so that the bundle's generated package.json lists pg (TypeORM loads it dynamically).
import pg from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';

import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

// Row counts and ids fit in a double; parse int8 and numeric counts as numbers rather than strings.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) =>
  Number(value),
);

/** Serialises migrations across replicas that start together (any 64-bit key distinct from the tick's). */
const MIGRATION_LOCK_KEY = 0x666c6f776d6967n;

export interface DataSourceSettings {
  url: string;
  poolSize?: number;
  applicationName?: string;
}

export function dataSourceOptions(
  settings: DataSourceSettings,
): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'flow_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: {
      max: settings.poolSize ?? 10,
      application_name: settings.applicationName ?? 'flow',
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
    },
  };
}

export function createDataSource(settings: DataSourceSettings): DataSource {
  return new DataSource(dataSourceOptions(settings));
}

/** Applies pending migrations while holding an advisory lock, so concurrent starts apply each exactly once. */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [
      MIGRATION_LOCK_KEY.toString(),
    ]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await runner
      .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()])
      .catch(() => undefined);
    await runner.release();
  }
}
