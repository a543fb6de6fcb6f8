import type {
  AggregateFunction,
  CastType,
  SelectFunction,
} from '@flow/contracts';

/** The type of a column whose type the compiler cannot know (preview of a table that does not exist yet). */
export const UNKNOWN_TYPE = 'unknown';

/** Whitelisted casts: the IR names a key, the SQL gets this fixed text (also the `data_type` of the result). */
export const CAST_SQL_TYPES: Readonly<Record<CastType, string>> = {
  text: 'text',
  integer: 'integer',
  bigint: 'bigint',
  numeric: 'numeric',
  double: 'double precision',
  boolean: 'boolean',
  date: 'date',
  timestamptz: 'timestamp with time zone',
};

interface SqlFunction {
  sql: (argument: string) => string;
  resultType: (inputType: string) => string;
}

/** Whitelisted scalar functions of `select`; the SQL text is fixed here, never taken from the IR. */
export const SELECT_FUNCTIONS_SQL: Readonly<
  Record<SelectFunction, SqlFunction>
> = {
  lower: { sql: (a) => `lower(${a})`, resultType: () => 'text' },
  upper: { sql: (a) => `upper(${a})`, resultType: () => 'text' },
  trim: { sql: (a) => `btrim(${a})`, resultType: () => 'text' },
  length: { sql: (a) => `length(${a})`, resultType: () => 'integer' },
  abs: { sql: (a) => `abs(${a})`, resultType: (t) => t },
  // round(numeric) keeps numeric; every other numeric type resolves to round(double precision).
  round: {
    sql: (a) => `round(${a})`,
    resultType: (t) =>
      t === 'numeric' || t === UNKNOWN_TYPE ? t : 'double precision',
  },
  date: { sql: (a) => `CAST(${a} AS date)`, resultType: () => 'date' },
};

const SUM_TYPES: Record<string, string> = {
  smallint: 'bigint',
  integer: 'bigint',
  bigint: 'numeric',
  numeric: 'numeric',
  real: 'real',
  'double precision': 'double precision',
};
const AVG_TYPES: Record<string, string> = {
  smallint: 'numeric',
  integer: 'numeric',
  bigint: 'numeric',
  numeric: 'numeric',
  real: 'double precision',
  'double precision': 'double precision',
};

/** Whitelisted aggregates; `column` is undefined only for `count` (count of rows). */
export const AGGREGATES_SQL: Readonly<Record<AggregateFunction, SqlFunction>> =
  {
    count: { sql: (a) => `count(${a})`, resultType: () => 'bigint' },
    count_distinct: {
      sql: (a) => `count(DISTINCT ${a})`,
      resultType: () => 'bigint',
    },
    sum: { sql: (a) => `sum(${a})`, resultType: (t) => SUM_TYPES[t] ?? t },
    avg: { sql: (a) => `avg(${a})`, resultType: (t) => AVG_TYPES[t] ?? t },
    min: { sql: (a) => `min(${a})`, resultType: (t) => t },
    max: { sql: (a) => `max(${a})`, resultType: (t) => t },
  };

/** `information_schema` data types that are also valid column types in DDL, as written. */
const DDL_TYPES = new Set([
  'smallint',
  'integer',
  'bigint',
  'numeric',
  'real',
  'double precision',
  'boolean',
  'text',
  'character varying',
  'date',
  'time without time zone',
  'time with time zone',
  'timestamp without time zone',
  'timestamp with time zone',
  'interval',
  'uuid',
  'json',
  'jsonb',
  'bytea',
  'inet',
  'cidr',
  'macaddr',
  'money',
]);

/**
 * The column type for `CREATE TABLE`, from a whitelist only. Everything else (`character`, which would mean
 * char(1), `ARRAY`, `USER-DEFINED`, unknown) becomes `text`: PostgreSQL assigns any value to text via I/O conversion.
 */
export function ddlType(dataType: string): string {
  return DDL_TYPES.has(dataType) ? dataType : 'text';
}
