import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';

import type { FlowConfig } from '@flow/api/core';
import {
  createDataSource,
  runMigrations,
  startEmbeddedPostgres,
  type EmbeddedPostgresHandle,
} from '@flow/api/db';

import { loadOrCreateEmbeddedSecrets } from './secrets';

export interface Runtime {
  /** The configuration with embedded-mode defaults filled in (database URL, generated secrets). */
  config: FlowConfig;
  dataSource: DataSource;
  embedded: boolean;
  close(): Promise<void>;
}

/**
 * Opens the database the configuration points at — or, without DATABASE_URL, starts the embedded PostgreSQL in
 * the data dir and fills in generated secrets — and applies pending migrations.
 */
export async function openRuntime(
  config: FlowConfig,
  options: { migrate?: boolean; poolSize?: number } = {},
): Promise<Runtime> {
  const logger = new Logger('Runtime');
  let embeddedServer: EmbeddedPostgresHandle | null = null;
  let effective = config;
  if (!config.databaseUrl) {
    const secrets = loadOrCreateEmbeddedSecrets(config.dataDir);
    logger.log(
      `No DATABASE_URL: starting the embedded PostgreSQL in ${config.dataDir}/pg`,
    );
    embeddedServer = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      password: secrets.postgresPassword,
    });
    effective = {
      ...config,
      databaseUrl: embeddedServer.url,
      cronSecret: config.cronSecret ?? secrets.cronSecret,
      authJwtSecret: config.authJwksUrl
        ? config.authJwtSecret
        : (config.authJwtSecret ?? secrets.authJwtSecret),
    };
  }
  const dataSource = createDataSource({
    url: effective.databaseUrl as string,
    poolSize: options.poolSize ?? config.dbPoolSize,
  });
  try {
    await dataSource.initialize();
    if (options.migrate !== false) {
      const applied = await runMigrations(dataSource);
      if (applied.length > 0)
        logger.log(`Applied migrations: ${applied.join(', ')}`);
    }
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embeddedServer?.stop();
    throw error;
  }
  return {
    config: effective,
    dataSource,
    embedded: embeddedServer !== null,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embeddedServer?.stop();
    },
  };
}
