/** Tenant slugs: lowercase letter first, then letters, digits and dashes, 2 to 40 characters. */
export const TENANT_SLUG_PATTERN = /^[a-z][a-z0-9-]{1,39}$/;

/** The PostgreSQL schema that holds a tenant's source and target tables: `tenant_<slug with - as _>`. */
export function tenantSchemaName(slug: string): string {
  if (!TENANT_SLUG_PATTERN.test(slug))
    throw new Error(`invalid tenant slug "${slug}"`);
  return `tenant_${slug.replace(/-/g, '_')}`;
}
