import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

import type { Catalog } from '@flow/pipeline-ir';

import { CatalogRepository } from './catalog.repository';

/** How long a tenant's catalog is served from memory. Tables created by this process's worker invalidate it at once. */
export const CATALOG_TTL_MS = 10_000;
const CATALOG_CACHE_MAX = 10_000;

interface Entry {
  catalog: Promise<Catalog>;
  expiresAt: number;
}

/**
 * The tenants' catalogs with a short TTL: sql-preview and lineage read tables and columns on every request, and
 * `information_schema` is far too slow for that hot path. Concurrent misses share one query. Another process's DDL
 * (a worker running as its own process, a user's migration) shows up within {@link CATALOG_TTL_MS}.
 */
@Injectable()
export class CatalogService {
  private readonly cache = new Map<string, Entry>();

  constructor(private readonly catalogs: CatalogRepository) {}

  /** The (possibly up to TTL old) catalog of `schema`. */
  get(schema: string): Promise<Catalog> {
    const now = Date.now();
    const cached = this.cache.get(schema);
    if (cached && cached.expiresAt > now) return cached.catalog;
    const catalog = this.catalogs.load(schema);
    if (this.cache.size >= CATALOG_CACHE_MAX) this.cache.clear();
    const entry = { catalog, expiresAt: now + CATALOG_TTL_MS };
    this.cache.set(schema, entry);
    // A failed load must not be served from the cache.
    catalog.catch(() => {
      if (this.cache.get(schema) === entry) this.cache.delete(schema);
    });
    return catalog;
  }

  /**
   * A fresh catalog read through `executor` (e.g. a run's transaction, so the run sees exactly what it will
   * write to); never cached, because an uncommitted transaction's view must not leak to other requests.
   */
  loadFresh(schema: string, executor: EntityManager): Promise<Catalog> {
    return this.catalogs.load(schema, executor);
  }

  /** Forgets `schema`'s catalog: call after creating or altering a table in it. */
  invalidate(schema: string): void {
    this.cache.delete(schema);
  }
}
