import { Injectable } from '@nestjs/common';

import { tenantSchemaName, TENANT_SLUG_PATTERN } from '@flow/api/db';
import { ValidationFailedError } from '@flow/api/core';
import type { FieldError } from '@flow/contracts';
import { isValidTimeZone } from '@flow/schedule';

import type { TenantContext } from './tenant-context';
import { TenantsRepository, type TenantRow } from './tenants.repository';

const CACHE_TTL_MS = 30_000;
const CACHE_MAX = 10_000;

/** Tenant rules: slugs, zones, creation with a schema, and a short-lived cache for the guard's lookups. */
@Injectable()
export class TenantsService {
  private readonly cache = new Map<
    string,
    { tenant: TenantContext | null; expiresAt: number }
  >();

  constructor(private readonly tenants: TenantsRepository) {}

  /** The tenant for an id, or null when there is none (cached for 30 s either way). */
  async findContext(id: string): Promise<TenantContext | null> {
    const now = Date.now();
    const cached = this.cache.get(id);
    if (cached && cached.expiresAt > now) return cached.tenant;
    const row = await this.tenants.findById(id);
    const tenant = row ? toContext(row) : null;
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(id, { tenant, expiresAt: now + CACHE_TTL_MS });
    return tenant;
  }

  async findBySlug(slug: string): Promise<TenantContext | null> {
    const row = await this.tenants.findBySlug(slug);
    return row ? toContext(row) : null;
  }

  /** Creates a tenant and its schema `tenant_<slug>`; idempotent for an existing slug. */
  async create(input: {
    slug: string;
    name?: string;
    timezone?: string;
  }): Promise<{ tenant: TenantContext; created: boolean }> {
    const problems: FieldError[] = [];
    if (!TENANT_SLUG_PATTERN.test(input.slug)) {
      problems.push({
        path: 'slug',
        message:
          'must match ^[a-z][a-z0-9-]{1,39}$ (lowercase letter first, then letters, digits, dashes)',
      });
    }
    const timezone = input.timezone ?? 'UTC';
    if (!isValidTimeZone(timezone))
      problems.push({
        path: 'timezone',
        message: `"${timezone}" is not an IANA time zone`,
      });
    if (problems.length > 0) throw new ValidationFailedError(problems);
    const { tenant, created } = await this.tenants.createWithSchema(
      input.slug,
      input.name ?? input.slug,
      timezone,
    );
    this.cache.delete(tenant.id);
    return { tenant: toContext(tenant), created };
  }
}

function toContext(row: TenantRow): TenantContext {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    timezone: row.timezone,
    schema: tenantSchemaName(row.slug),
  };
}
