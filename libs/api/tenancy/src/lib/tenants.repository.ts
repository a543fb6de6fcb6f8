import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { tenantSchemaName } from '@flow/api/db';

export interface TenantRow {
  id: string;
  slug: string;
  name: string;
  timezone: string;
  created_at: Date;
}

/** Queries on `tenants` and the tenants' schemas. */
@Injectable()
export class TenantsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findById(id: string): Promise<TenantRow | null> {
    const rows: TenantRow[] = await this.dataSource.query(
      `SELECT id, slug, name, timezone, created_at FROM tenants WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  async findBySlug(slug: string): Promise<TenantRow | null> {
    const rows: TenantRow[] = await this.dataSource.query(
      `SELECT id, slug, name, timezone, created_at FROM tenants WHERE slug = $1`,
      [slug],
    );
    return rows[0] ?? null;
  }

  /** Inserts the tenant and creates its schema in one transaction; an existing slug returns the existing tenant. */
  async createWithSchema(
    slug: string,
    name: string,
    timezone: string,
  ): Promise<{ tenant: TenantRow; created: boolean }> {
    return this.dataSource.transaction(async (manager) => {
      const inserted: TenantRow[] = await manager.query(
        `INSERT INTO tenants (slug, name, timezone) VALUES ($1, $2, $3)
         ON CONFLICT (slug) DO NOTHING
         RETURNING id, slug, name, timezone, created_at`,
        [slug, name, timezone],
      );
      // The schema name is derived from a validated slug, never from free text; identifiers cannot be bound.
      await manager.query(
        `CREATE SCHEMA IF NOT EXISTS "${tenantSchemaName(slug)}"`,
      );
      if (inserted[0]) return { tenant: inserted[0], created: true };
      const existing: TenantRow[] = await manager.query(
        `SELECT id, slug, name, timezone, created_at FROM tenants WHERE slug = $1`,
        [slug],
      );
      return { tenant: existing[0], created: false };
    });
  }
}
