/** One column as `information_schema.columns` reports it (`data_type`, e.g. `integer`, `character varying`). */
export interface CatalogColumn {
  name: string;
  type: string;
}

export interface CatalogTable {
  /** In ordinal position order. */
  columns: CatalogColumn[];
}

/** The tenant schema's tables, loaded by the api from `information_schema`. Every IR table resolves in `schema`. */
export interface Catalog {
  schema: string;
  tables: Map<string, CatalogTable>;
}
