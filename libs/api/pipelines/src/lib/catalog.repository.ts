import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import { queryRows } from '@flow/api/db';
import type { Catalog, CatalogTable } from '@flow/pipeline-ir';

interface ColumnRow {
  table_name: string;
  column_name: string;
  data_type: string;
}

/** Reads a tenant schema's tables and columns from `information_schema` (the compiler's view of the world). */
@Injectable()
export class CatalogRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Every table and view of `schema` with its columns in ordinal order, in one query. */
  async load(
    schema: string,
    executor: DataSource | EntityManager = this.dataSource,
  ): Promise<Catalog> {
    const rows = await queryRows<ColumnRow>(
      executor,
      `SELECT table_name::text AS table_name, column_name::text AS column_name, data_type::text AS data_type
         FROM information_schema.columns
        WHERE table_schema = $1
        ORDER BY table_name, ordinal_position`,
      [schema],
    );
    const tables = new Map<string, CatalogTable>();
    for (const row of rows) {
      let table = tables.get(row.table_name);
      if (!table) {
        table = { columns: [] };
        tables.set(row.table_name, table);
      }
      table.columns.push({ name: row.column_name, type: row.data_type });
    }
    return { schema, tables };
  }
}
