import { DataSource, type EntityManager } from 'typeorm';

/**
 * Runs parameterised SQL and returns its rows, whatever the command. (TypeORM's plain `query()` returns
 * `[rows, count]` for UPDATE and DELETE but bare rows otherwise; repositories should not have to care.)
 * Inside a transaction pass the transaction's EntityManager so the statement runs on its connection.
 */
export async function queryRows<T>(
  executor: DataSource | EntityManager,
  sql: string,
  parameters: unknown[] = [],
): Promise<T[]> {
  const manager = executor instanceof DataSource ? executor.manager : executor;
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result = await runner.query(sql, parameters, true);
    return result.records as T[];
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}
