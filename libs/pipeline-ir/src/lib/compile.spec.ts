import type { IrNode, PipelineIr } from '@flow/contracts';

import type { Catalog } from './catalog';
import { compilePreview, compileRun, type CompiledStatement } from './compile';
import { IrCompileError, IrValidationError } from './errors';

const catalog: Catalog = {
  schema: 'tenant_acme',
  tables: new Map([
    [
      'orders',
      {
        columns: [
          { name: 'id', type: 'integer' },
          { name: 'amount', type: 'numeric' },
          { name: 'status', type: 'text' },
          { name: 'customer_id', type: 'integer' },
        ],
      },
    ],
    [
      'customers',
      {
        columns: [
          { name: 'id', type: 'integer' },
          { name: 'name', type: 'character varying' },
        ],
      },
    ],
    [
      'paid_orders',
      {
        columns: [
          { name: 'id', type: 'integer' },
          { name: 'amount', type: 'numeric' },
          { name: 'status', type: 'text' },
          { name: 'customer_id', type: 'integer' },
        ],
      },
    ],
  ]),
};

const run = {
  tenantId: 't-1',
  pipelineId: 'p-1',
  runId: 'r-1',
  deadLetterTable: 'public.dead_letters',
};
const orders: IrNode = { id: 'orders', type: 'source', table: 'orders' };

function pipeline(...nodes: IrNode[]): PipelineIr {
  return { version: 1, nodes };
}

/** The run's statements without their isolated-write variants (tested on their own below). */
function statements(ir: PipelineIr): CompiledStatement[] {
  return compileRun(ir, catalog, run).statements.map((statement) => {
    const { isolation, ...rest } = statement;
    return isolation ? rest : statement;
  });
}

function compileError(
  ir: PipelineIr,
  against: Catalog = catalog,
): IrCompileError {
  try {
    compileRun(ir, against, run);
  } catch (error) {
    if (error instanceof IrCompileError) return error;
    throw error;
  }
  throw new Error('expected an IrCompileError');
}

describe('compileRun', () => {
  describe('source and filter (append)', () => {
    it('reads every catalog column from the tenant schema and binds every value', () => {
      const ir = pipeline(
        orders,
        {
          id: 'f',
          type: 'filter',
          input: 'orders',
          where: [
            { column: 'status', op: '=', value: 'paid' },
            { column: 'status', op: '!=', value: 'void' },
            { column: 'amount', op: '<', value: 10 },
            { column: 'amount', op: '<=', value: 11 },
            { column: 'amount', op: '>', value: 1 },
            { column: 'amount', op: '>=', value: 2 },
            { column: 'status', op: 'in', value: ['a', 'b'] },
            { column: 'id', op: 'not_in', value: [1, 2] },
            { column: 'customer_id', op: 'is_null' },
            { column: 'customer_id', op: 'is_not_null' },
            { column: 'status', op: 'like', value: 'p%' },
          ],
        },
        {
          id: 'out',
          type: 'target',
          input: 'f',
          table: 'paid_orders',
          mode: 'append',
        },
      );
      expect(statements(ir)).toEqual([
        {
          kind: 'target',
          node: 'out',
          sql: `WITH "orders" AS (
  SELECT "id", "amount", "status", "customer_id"
  FROM "tenant_acme"."orders"
),
"f" AS (
  SELECT *
  FROM "orders"
  WHERE "status" = $1
    AND "status" <> $2
    AND "amount" < $3
    AND "amount" <= $4
    AND "amount" > $5
    AND "amount" >= $6
    AND "status" = ANY($7)
    AND "id" <> ALL($8)
    AND "customer_id" IS NULL
    AND "customer_id" IS NOT NULL
    AND "status" LIKE $9
),
"out:write" AS (
  INSERT INTO "tenant_acme"."paid_orders" ("id", "amount", "status", "customer_id")
  SELECT "id", "amount", "status", "customer_id"
  FROM "f"
  RETURNING 1
)
SELECT
  (SELECT count(*) FROM "orders") AS rows_read,
  (SELECT count(*) FROM "out:write") AS rows_written,
  CAST(0 AS bigint) AS rows_rejected,
  false AS failed,
  jsonb_build_object(
    $10::text, jsonb_build_object('rows', (SELECT count(*) FROM "orders")),
    $11::text, jsonb_build_object('rows', (SELECT count(*) FROM "f")),
    $12::text, jsonb_build_object('rows', (SELECT count(*) FROM "out:write"))
  ) AS node_metrics`,
          parameters: [
            'paid',
            'void',
            10,
            11,
            1,
            2,
            ['a', 'b'],
            [1, 2],
            'p%',
            'orders',
            'f',
            'out',
          ],
        },
      ]);
    });
  });

  describe('select', () => {
    it('renames, casts then applies the function, and creates the missing target table', () => {
      const ir = pipeline(
        {
          id: 'orders',
          type: 'source',
          table: 'orders',
          columns: ['id', 'amount', 'status'],
        },
        {
          id: 's',
          type: 'select',
          input: 'orders',
          columns: [
            { column: 'id' },
            { column: 'id', as: 'order_id' },
            { column: 'status', fn: 'upper' },
            { column: 'amount', cast: 'integer', as: 'whole' },
            { column: 'amount', cast: 'text', fn: 'length', as: 'digits' },
          ],
        },
        {
          id: 'out',
          type: 'target',
          input: 's',
          table: 'shaped',
          mode: 'append',
        },
      );
      expect(statements(ir)).toEqual([
        {
          kind: 'create_table',
          node: 'out',
          sql: `CREATE TABLE IF NOT EXISTS "tenant_acme"."shaped" (
  "id" integer,
  "order_id" integer,
  "status" text,
  "whole" integer,
  "digits" integer
)`,
          parameters: [],
        },
        {
          kind: 'target',
          node: 'out',
          sql: `WITH "orders" AS (
  SELECT "id", "amount", "status"
  FROM "tenant_acme"."orders"
),
"s" AS (
  SELECT "id", "id" AS "order_id", upper("status") AS "status", CAST("amount" AS integer) AS "whole", length(CAST("amount" AS text)) AS "digits"
  FROM "orders"
),
"out:write" AS (
  INSERT INTO "tenant_acme"."shaped" ("id", "order_id", "status", "whole", "digits")
  SELECT "id", "order_id", "status", "whole", "digits"
  FROM "s"
  RETURNING 1
)
SELECT
  (SELECT count(*) FROM "orders") AS rows_read,
  (SELECT count(*) FROM "out:write") AS rows_written,
  CAST(0 AS bigint) AS rows_rejected,
  false AS failed,
  jsonb_build_object(
    $1::text, jsonb_build_object('rows', (SELECT count(*) FROM "orders")),
    $2::text, jsonb_build_object('rows', (SELECT count(*) FROM "s")),
    $3::text, jsonb_build_object('rows', (SELECT count(*) FROM "out:write"))
  ) AS node_metrics`,
          parameters: ['orders', 's', 'out'],
        },
      ]);
    });
  });

  describe('aggregate (replace)', () => {
    it('groups, infers result types, and deletes before inserting in one statement', () => {
      const ir = pipeline(
        orders,
        {
          id: 'g',
          type: 'aggregate',
          input: 'orders',
          groupBy: ['status'],
          aggregations: [
            { fn: 'count', as: 'n' },
            { fn: 'count', column: 'customer_id', as: 'with_customer' },
            { fn: 'count_distinct', column: 'customer_id', as: 'customers' },
            { fn: 'sum', column: 'amount', as: 'total' },
            { fn: 'avg', column: 'id', as: 'avg_id' },
            { fn: 'min', column: 'amount', as: 'smallest' },
            { fn: 'max', column: 'amount', as: 'largest' },
          ],
        },
        {
          id: 'out',
          type: 'target',
          input: 'g',
          table: 'totals',
          mode: 'replace',
        },
      );
      const [ddl, target] = statements(ir);
      expect(ddl.sql).toBe(`CREATE TABLE IF NOT EXISTS "tenant_acme"."totals" (
  "status" text,
  "n" bigint,
  "with_customer" bigint,
  "customers" bigint,
  "total" numeric,
  "avg_id" numeric,
  "smallest" numeric,
  "largest" numeric
)`);
      expect(target.sql).toBe(`WITH "orders" AS (
  SELECT "id", "amount", "status", "customer_id"
  FROM "tenant_acme"."orders"
),
"g" AS (
  SELECT "status", count(*) AS "n", count("customer_id") AS "with_customer", count(DISTINCT "customer_id") AS "customers", sum("amount") AS "total", avg("id") AS "avg_id", min("amount") AS "smallest", max("amount") AS "largest"
  FROM "orders"
  GROUP BY "status"
),
"out:delete" AS (
  DELETE FROM "tenant_acme"."totals"
  RETURNING 1
),
"out:write" AS (
  INSERT INTO "tenant_acme"."totals" ("status", "n", "with_customer", "customers", "total", "avg_id", "smallest", "largest")
  SELECT "status", "n", "with_customer", "customers", "total", "avg_id", "smallest", "largest"
  FROM "g"
  WHERE (SELECT count(*) FROM "out:delete") >= 0
  RETURNING 1
)
SELECT
  (SELECT count(*) FROM "orders") AS rows_read,
  (SELECT count(*) FROM "out:write") AS rows_written,
  CAST(0 AS bigint) AS rows_rejected,
  false AS failed,
  jsonb_build_object(
    $1::text, jsonb_build_object('rows', (SELECT count(*) FROM "orders")),
    $2::text, jsonb_build_object('rows', (SELECT count(*) FROM "g")),
    $3::text, jsonb_build_object('rows', (SELECT count(*) FROM "out:write"))
  ) AS node_metrics`);
      expect(target.parameters).toEqual(['orders', 'g', 'out']);
    });

    it('omits GROUP BY for a whole-input aggregate', () => {
      const ir = pipeline(
        orders,
        {
          id: 'g',
          type: 'aggregate',
          input: 'orders',
          groupBy: [],
          aggregations: [{ fn: 'count', as: 'n' }],
        },
        {
          id: 'out',
          type: 'target',
          input: 'g',
          table: 'counts',
          mode: 'append',
        },
      );
      expect(statements(ir)[1].sql).toContain(
        `"g" AS (\n  SELECT count(*) AS "n"\n  FROM "orders"\n),`,
      );
    });
  });

  describe('join', () => {
    const customers: IrNode = {
      id: 'customers',
      type: 'source',
      table: 'customers',
    };

    it('prefixes the right side and drops the right key equal to its left key', () => {
      const ir = pipeline(
        orders,
        customers,
        {
          id: 'j',
          type: 'join',
          kind: 'inner',
          left: 'orders',
          right: 'customers',
          on: [{ left: 'customer_id', right: 'id' }],
          rightPrefix: 'customer_',
        },
        {
          id: 'out',
          type: 'target',
          input: 'j',
          table: 'enriched',
          mode: 'append',
        },
      );
      const [ddl, target] = statements(ir);
      expect(ddl.sql)
        .toBe(`CREATE TABLE IF NOT EXISTS "tenant_acme"."enriched" (
  "id" integer,
  "amount" numeric,
  "status" text,
  "customer_id" integer,
  "customer_name" character varying
)`);
      expect(target.sql).toBe(`WITH "orders" AS (
  SELECT "id", "amount", "status", "customer_id"
  FROM "tenant_acme"."orders"
),
"customers" AS (
  SELECT "id", "name"
  FROM "tenant_acme"."customers"
),
"j" AS (
  SELECT l."id", l."amount", l."status", l."customer_id", r."name" AS "customer_name"
  FROM "orders" AS l
  INNER JOIN "customers" AS r ON l."customer_id" = r."id"
),
"out:write" AS (
  INSERT INTO "tenant_acme"."enriched" ("id", "amount", "status", "customer_id", "customer_name")
  SELECT "id", "amount", "status", "customer_id", "customer_name"
  FROM "j"
  RETURNING 1
)
SELECT
  (SELECT count(*) FROM "orders") + (SELECT count(*) FROM "customers") AS rows_read,
  (SELECT count(*) FROM "out:write") AS rows_written,
  CAST(0 AS bigint) AS rows_rejected,
  false AS failed,
  jsonb_build_object(
    $1::text, jsonb_build_object('rows', (SELECT count(*) FROM "orders")),
    $2::text, jsonb_build_object('rows', (SELECT count(*) FROM "customers")),
    $3::text, jsonb_build_object('rows', (SELECT count(*) FROM "j")),
    $4::text, jsonb_build_object('rows', (SELECT count(*) FROM "out:write"))
  ) AS node_metrics`);
    });

    it('left-joins on several keys without a prefix when names do not clash', () => {
      const ir = pipeline(
        { id: 'a', type: 'source', table: 'orders', columns: ['id', 'status'] },
        {
          id: 'b',
          type: 'source',
          table: 'orders',
          columns: ['id', 'status', 'amount'],
        },
        {
          id: 'j',
          type: 'join',
          kind: 'left',
          left: 'a',
          right: 'b',
          on: [
            { left: 'id', right: 'id' },
            { left: 'status', right: 'status' },
          ],
        },
        {
          id: 'out',
          type: 'target',
          input: 'j',
          table: 'pairs',
          mode: 'append',
        },
      );
      expect(statements(ir)[1].sql).toContain(`"j" AS (
  SELECT l."id", l."status", r."amount"
  FROM "a" AS l
  LEFT JOIN "b" AS r ON l."id" = r."id" AND l."status" = r."status"
),`);
    });

    it('rejects a name on both sides unless a prefix renames it', () => {
      const ir = pipeline(
        orders,
        customers,
        {
          id: 'j',
          type: 'join',
          kind: 'inner',
          left: 'orders',
          right: 'customers',
          on: [{ left: 'customer_id', right: 'id' }],
        },
        {
          id: 'out',
          type: 'target',
          input: 'j',
          table: 'enriched',
          mode: 'append',
        },
      );
      expect(compileError(ir).details).toEqual([
        {
          path: 'ir.nodes[2].right',
          message:
            'column "id" is in the output of both "orders" and "customers"; set rightPrefix to rename the right side\'s columns',
        },
      ]);
    });
  });

  describe('validate', () => {
    it('dead-letters rejected rows with the failed rules as the reason (onFail: dlq)', () => {
      const ir = pipeline(
        orders,
        {
          id: 'v',
          type: 'validate',
          input: 'orders',
          onFail: 'dlq',
          rules: [
            { column: 'amount', check: 'not_null' },
            { column: 'id', check: 'unique' },
            { column: 'amount', check: 'range', min: 0, max: 100 },
            {
              column: 'status',
              check: 'accepted_values',
              values: ['paid', 'void'],
            },
            { column: 'status', check: 'regex', pattern: '^[a-z]+$' },
          ],
        },
        {
          id: 'out',
          type: 'target',
          input: 'v',
          table: 'paid_orders',
          mode: 'append',
        },
      );
      expect(statements(ir)).toEqual([
        {
          kind: 'target',
          node: 'out',
          sql: `WITH "orders" AS (
  SELECT "id", "amount", "status", "customer_id"
  FROM "tenant_acme"."orders"
),
"v:verdict" AS (
  SELECT r.*::record AS "row", array_remove(ARRAY[
      CASE WHEN r."amount" IS NULL THEN $1::text END,
      CASE WHEN r."id" IS NOT NULL AND count(*) OVER (PARTITION BY r."id") > 1 THEN $2::text END,
      CASE WHEN r."amount" < $3 OR r."amount" > $4 THEN $5::text END,
      CASE WHEN r."status" <> ALL($6) THEN $7::text END,
      CASE WHEN CAST(r."status" AS text) !~ $8 THEN $9::text END
    ], NULL) AS reasons
  FROM "orders" AS r
),
"v" AS (
  SELECT ("row").*
  FROM "v:verdict"
  WHERE cardinality(reasons) = 0
),
"v:rejected" AS (
  SELECT "row", reasons
  FROM "v:verdict"
  WHERE cardinality(reasons) > 0
),
"v:dlq" AS (
  INSERT INTO "public"."dead_letters" ("tenant_id", "pipeline_id", "run_id", "node_id", "kind", "row", "row_key", "reason")
  SELECT $10, $11, $12, $13, 'validate', to_jsonb("row"), CAST(NULL AS jsonb), array_to_string(reasons, '; ')
  FROM "v:rejected"
),
"out:write" AS (
  INSERT INTO "tenant_acme"."paid_orders" ("id", "amount", "status", "customer_id")
  SELECT "id", "amount", "status", "customer_id"
  FROM "v"
  RETURNING 1
)
SELECT
  (SELECT count(*) FROM "orders") AS rows_read,
  (SELECT count(*) FROM "out:write") AS rows_written,
  (SELECT count(*) FROM "v:rejected") AS rows_rejected,
  false AS failed,
  jsonb_build_object(
    $14::text, jsonb_build_object('rows', (SELECT count(*) FROM "orders")),
    $15::text, jsonb_build_object('rows', (SELECT count(*) FROM "v"), 'rejected', (SELECT count(*) FROM "v:rejected")),
    $16::text, jsonb_build_object('rows', (SELECT count(*) FROM "out:write"))
  ) AS node_metrics`,
          parameters: [
            'not_null(amount)',
            'unique(id)',
            0,
            100,
            'range(amount)',
            ['paid', 'void'],
            'accepted_values(status)',
            '^[a-z]+$',
            'regex(status)',
            't-1',
            'p-1',
            'r-1',
            'v',
            'orders',
            'v',
            'out',
          ],
        },
      ]);
    });

    it('writes nothing and reports failed when a fail rule rejects a row (onFail: fail, replace)', () => {
      const ir = pipeline(
        orders,
        {
          id: 'v',
          type: 'validate',
          input: 'orders',
          onFail: 'fail',
          rules: [{ column: 'amount', check: 'range', max: 100 }],
        },
        {
          id: 'out',
          type: 'target',
          input: 'v',
          table: 'paid_orders',
          mode: 'replace',
        },
      );
      expect(statements(ir)).toEqual([
        {
          kind: 'target',
          node: 'out',
          sql: `WITH "orders" AS (
  SELECT "id", "amount", "status", "customer_id"
  FROM "tenant_acme"."orders"
),
"v:verdict" AS (
  SELECT r.*::record AS "row", array_remove(ARRAY[
      CASE WHEN r."amount" > $1 THEN $2::text END
    ], NULL) AS reasons
  FROM "orders" AS r
),
"v" AS (
  SELECT ("row").*
  FROM "v:verdict"
  WHERE cardinality(reasons) = 0
),
"v:rejected" AS (
  SELECT "row", reasons
  FROM "v:verdict"
  WHERE cardinality(reasons) > 0
),
"out:delete" AS (
  DELETE FROM "tenant_acme"."paid_orders"
  WHERE NOT EXISTS (SELECT 1 FROM "v:rejected")
  RETURNING 1
),
"out:write" AS (
  INSERT INTO "tenant_acme"."paid_orders" ("id", "amount", "status", "customer_id")
  SELECT "id", "amount", "status", "customer_id"
  FROM "v"
  WHERE (SELECT count(*) FROM "out:delete") >= 0
    AND NOT EXISTS (SELECT 1 FROM "v:rejected")
  RETURNING 1
)
SELECT
  (SELECT count(*) FROM "orders") AS rows_read,
  (SELECT count(*) FROM "out:write") AS rows_written,
  (SELECT count(*) FROM "v:rejected") AS rows_rejected,
  EXISTS (SELECT 1 FROM "v:rejected") AS failed,
  jsonb_build_object(
    $3::text, jsonb_build_object('rows', (SELECT count(*) FROM "orders")),
    $4::text, jsonb_build_object('rows', (SELECT count(*) FROM "v"), 'rejected', (SELECT count(*) FROM "v:rejected")),
    $5::text, jsonb_build_object('rows', (SELECT count(*) FROM "out:write"))
  ) AS node_metrics`,
          parameters: [100, 'range(amount)', 'orders', 'v', 'out'],
        },
      ]);
    });

    it('gates the dead-letter insert of an upstream dlq node on a downstream fail node', () => {
      const ir = pipeline(
        orders,
        {
          id: 'soft',
          type: 'validate',
          input: 'orders',
          onFail: 'dlq',
          rules: [{ column: 'status', check: 'not_null' }],
        },
        {
          id: 'hard',
          type: 'validate',
          input: 'soft',
          onFail: 'fail',
          rules: [{ column: 'amount', check: 'not_null' }],
        },
        {
          id: 'out',
          type: 'target',
          input: 'hard',
          table: 'paid_orders',
          mode: 'append',
        },
      );
      const sql = statements(ir)[0].sql;
      expect(sql).toContain(`"soft:dlq" AS (
  INSERT INTO "public"."dead_letters" ("tenant_id", "pipeline_id", "run_id", "node_id", "kind", "row", "row_key", "reason")
  SELECT $3, $4, $5, $6, 'validate', to_jsonb("row"), CAST(NULL AS jsonb), array_to_string(reasons, '; ')
  FROM "soft:rejected"
  WHERE NOT EXISTS (SELECT 1 FROM "hard:rejected")
),`);
      // Dead-letter inserts follow every node CTE, so they may reference any rejected set.
      expect(sql.indexOf('"soft:dlq" AS')).toBeGreaterThan(
        sql.indexOf('"hard:rejected" AS'),
      );
    });
  });

  describe('merge', () => {
    it('upserts on the key and rewrites only changed rows', () => {
      const ir = pipeline(orders, {
        id: 'out',
        type: 'target',
        input: 'orders',
        table: 'paid_orders',
        mode: 'merge',
        key: ['id'],
      });
      expect(statements(ir)).toEqual([
        {
          kind: 'target',
          node: 'out',
          sql: `WITH "orders" AS (
  SELECT "id", "amount", "status", "customer_id"
  FROM "tenant_acme"."orders"
),
"out:write" AS (
  INSERT INTO "tenant_acme"."paid_orders" AS t ("id", "amount", "status", "customer_id")
  SELECT "id", "amount", "status", "customer_id"
  FROM "orders"
  ON CONFLICT ("id") DO UPDATE SET "amount" = EXCLUDED."amount", "status" = EXCLUDED."status", "customer_id" = EXCLUDED."customer_id"
  WHERE (t."amount", t."status", t."customer_id") IS DISTINCT FROM (EXCLUDED."amount", EXCLUDED."status", EXCLUDED."customer_id")
  RETURNING 1
)
SELECT
  (SELECT count(*) FROM "orders") AS rows_read,
  (SELECT count(*) FROM "out:write") AS rows_written,
  CAST(0 AS bigint) AS rows_rejected,
  false AS failed,
  jsonb_build_object(
    $1::text, jsonb_build_object('rows', (SELECT count(*) FROM "orders")),
    $2::text, jsonb_build_object('rows', (SELECT count(*) FROM "out:write"))
  ) AS node_metrics`,
          parameters: ['orders', 'out'],
        },
      ]);
    });

    it('creates a missing table with a unique constraint on the key; DO NOTHING when every column is key', () => {
      const ir = pipeline(
        {
          id: 'orders',
          type: 'source',
          table: 'orders',
          columns: ['id', 'status'],
        },
        {
          id: 'out',
          type: 'target',
          input: 'orders',
          table: 'by_key',
          mode: 'merge',
          key: ['id', 'status'],
        },
      );
      const [ddl, target] = statements(ir);
      expect(ddl).toEqual({
        kind: 'create_table',
        node: 'out',
        sql: `CREATE TABLE IF NOT EXISTS "tenant_acme"."by_key" (
  "id" integer,
  "status" text,
  UNIQUE ("id", "status")
)`,
        parameters: [],
      });
      expect(target.sql).toContain(`"out:write" AS (
  INSERT INTO "tenant_acme"."by_key" AS t ("id", "status")
  SELECT "id", "status"
  FROM "orders"
  ON CONFLICT ("id", "status") DO NOTHING
  RETURNING 1
)`);
    });
  });

  describe('several targets', () => {
    it('puts DDL first, creates a table once, and counts shared sources and dead letters in the first statement only', () => {
      const ir = pipeline(
        orders,
        {
          id: 'v',
          type: 'validate',
          input: 'orders',
          onFail: 'dlq',
          rules: [{ column: 'amount', check: 'not_null' }],
        },
        { id: 'a', type: 'target', input: 'v', table: 'copy', mode: 'append' },
        { id: 'b', type: 'target', input: 'v', table: 'copy', mode: 'append' },
      );
      const compiled = statements(ir);
      expect(compiled.map(({ kind, node }) => `${kind}:${node}`)).toEqual([
        'create_table:a',
        'target:a',
        'target:b',
      ]);
      expect(compiled[1].sql).toContain('"v:dlq" AS');
      expect(compiled[1].sql).toContain(
        `  (SELECT count(*) FROM "orders") AS rows_read,\n`,
      );
      expect(compiled[1].sql).toContain(
        `  (SELECT count(*) FROM "v:rejected") AS rows_rejected,\n`,
      );
      expect(compiled[2].sql).not.toContain('dead_letters');
      expect(compiled[2].sql).toContain(`  CAST(0 AS bigint) AS rows_read,\n`);
      expect(compiled[2].sql).toContain(
        `  CAST(0 AS bigint) AS rows_rejected,\n`,
      );
    });
  });

  describe('errors', () => {
    it('names node and column for an unknown column', () => {
      const ir = pipeline(
        orders,
        {
          id: 'f',
          type: 'filter',
          input: 'orders',
          where: [{ column: 'amout', op: '>', value: 1 }],
        },
        {
          id: 'out',
          type: 'target',
          input: 'f',
          table: 'paid_orders',
          mode: 'append',
        },
      );
      const error = compileError(ir);
      expect(error.details).toEqual([
        {
          path: 'ir.nodes[1].where[0].column',
          message: 'unknown column "amout" in the output of node "orders"',
        },
      ]);
      expect(error.message).toBe(
        'pipeline IR does not compile: ir.nodes[1].where[0].column: unknown column "amout" in the output of node "orders"',
      );
    });

    it('reports unknown tables, source columns, and columns of every node kind', () => {
      const ir = pipeline(
        { id: 'o', type: 'source', table: 'orders', columns: ['id', 'nope'] },
        { id: 'x', type: 'source', table: 'ordres' },
        {
          id: 's',
          type: 'select',
          input: 'o',
          columns: [{ column: 'id' }, { column: 'amount' }],
        },
        {
          id: 'g',
          type: 'aggregate',
          input: 's',
          groupBy: ['status'],
          aggregations: [{ fn: 'sum', column: 'total', as: 't' }],
        },
        {
          id: 'v',
          type: 'validate',
          input: 'o',
          onFail: 'dlq',
          rules: [{ column: 'email', check: 'not_null' }],
        },
        {
          id: 'j',
          type: 'join',
          kind: 'inner',
          left: 'v',
          right: 'o',
          on: [{ left: 'idd', right: 'id' }],
          rightPrefix: 'r_',
        },
        {
          id: 't1',
          type: 'target',
          input: 'g',
          table: 'totals',
          mode: 'append',
        },
        {
          id: 't2',
          type: 'target',
          input: 'j',
          table: 'joined',
          mode: 'merge',
          key: ['key'],
        },
        { id: 't3', type: 'target', input: 'x', table: 'copy', mode: 'append' },
      );
      expect(compileError(ir).details).toEqual([
        {
          path: 'ir.nodes[0].columns[1]',
          message: 'unknown column "nope" in table "orders"',
        },
        {
          path: 'ir.nodes[1].table',
          message: 'unknown table "ordres" in schema "tenant_acme"',
        },
        {
          path: 'ir.nodes[2].columns[1].column',
          message: 'unknown column "amount" in the output of node "o"',
        },
        {
          path: 'ir.nodes[3].groupBy[0]',
          message: 'unknown column "status" in the output of node "s"',
        },
        {
          path: 'ir.nodes[3].aggregations[0].column',
          message: 'unknown column "total" in the output of node "s"',
        },
        {
          path: 'ir.nodes[4].rules[0].column',
          message: 'unknown column "email" in the output of node "o"',
        },
        {
          path: 'ir.nodes[5].on[0].left',
          message: 'unknown column "idd" in the output of node "v"',
        },
        {
          path: 'ir.nodes[7].key[0]',
          message: 'unknown column "key" in the output of node "j"',
        },
      ]);
    });

    it('rejects writing a column the existing target table lacks', () => {
      const ir = pipeline(
        orders,
        {
          id: 's',
          type: 'select',
          input: 'orders',
          columns: [{ column: 'id' }, { column: 'amount', as: 'total' }],
        },
        {
          id: 'out',
          type: 'target',
          input: 's',
          table: 'paid_orders',
          mode: 'append',
        },
      );
      expect(compileError(ir).details).toEqual([
        {
          path: 'ir.nodes[2].table',
          message:
            'table "paid_orders" has no column "total" (written from the output of node "s")',
        },
      ]);
    });

    it('validates the IR first', () => {
      expect(() =>
        compileRun(
          { version: 1, nodes: [] } as unknown as PipelineIr,
          catalog,
          run,
        ),
      ).toThrow(IrValidationError);
    });

    it('accepts only a plain trusted dead-letter table name', () => {
      const ir = pipeline(orders, {
        id: 'out',
        type: 'target',
        input: 'orders',
        table: 'paid_orders',
        mode: 'append',
      });
      expect(() =>
        compileRun(ir, catalog, { ...run, deadLetterTable: 'x; DROP TABLE y' }),
      ).toThrow('invalid trusted table name');
      expect(statements(ir)).toHaveLength(1);
    });
  });
});

describe('compilePreview', () => {
  it('returns warnings instead of throwing, numbers parameters across statements, and lists typed columns', () => {
    const ir = pipeline(
      { id: 'raw', type: 'source', table: 'not_yet' },
      { id: 'o', type: 'source', table: 'orders', columns: ['id', 'status'] },
      {
        id: 'f',
        type: 'filter',
        input: 'o',
        where: [{ column: 'amout', op: '>', value: 5 }],
      },
      {
        id: 'lonely',
        type: 'filter',
        input: 'o',
        where: [{ column: 'id', op: '=', value: 1 }],
      },
      {
        id: 'a',
        type: 'target',
        input: 'f',
        table: 'paid_orders',
        mode: 'append',
      },
      { id: 'b', type: 'target', input: 'raw', table: 'copy', mode: 'append' },
    );
    const preview = compilePreview(ir, catalog);
    expect(preview.warnings).toEqual([
      'ir.nodes[0].table: unknown table "not_yet" in schema "tenant_acme"',
      'ir.nodes[2].where[0].column: unknown column "amout" in the output of node "o"',
      'ir.nodes[5].table: table "copy" does not exist yet; the run creates it',
      'ir.nodes[3]: node "lonely" feeds no target and is not executed',
    ]);
    expect(preview.sql).toBe(`WITH "o" AS (
  SELECT "id", "status"
  FROM "tenant_acme"."orders"
),
"f" AS (
  SELECT *
  FROM "o"
  WHERE "amout" > $1
),
"a:write" AS (
  INSERT INTO "tenant_acme"."paid_orders" ("id", "status")
  SELECT "id", "status"
  FROM "f"
  RETURNING 1
)
SELECT
  (SELECT count(*) FROM "o") AS rows_read,
  (SELECT count(*) FROM "a:write") AS rows_written,
  CAST(0 AS bigint) AS rows_rejected,
  false AS failed,
  jsonb_build_object(
    $2::text, jsonb_build_object('rows', (SELECT count(*) FROM "o")),
    $3::text, jsonb_build_object('rows', (SELECT count(*) FROM "f")),
    $4::text, jsonb_build_object('rows', (SELECT count(*) FROM "a:write"))
  ) AS node_metrics;
WITH "raw" AS (
  SELECT *
  FROM "tenant_acme"."not_yet"
),
"b:write" AS (
  INSERT INTO "tenant_acme"."copy"
  SELECT *
  FROM "raw"
  RETURNING 1
)
SELECT
  (SELECT count(*) FROM "raw") AS rows_read,
  (SELECT count(*) FROM "b:write") AS rows_written,
  CAST(0 AS bigint) AS rows_rejected,
  false AS failed,
  jsonb_build_object(
    $5::text, jsonb_build_object('rows', (SELECT count(*) FROM "raw")),
    $6::text, jsonb_build_object('rows', (SELECT count(*) FROM "b:write"))
  ) AS node_metrics`);
    expect(preview.parameters).toEqual([5, 'o', 'f', 'a', 'raw', 'b']);
    expect(preview.columns).toEqual([
      { node: 'o', name: 'id', type: 'integer' },
      { node: 'o', name: 'status', type: 'text' },
      { node: 'f', name: 'id', type: 'integer' },
      { node: 'f', name: 'status', type: 'text' },
      { node: 'lonely', name: 'id', type: 'integer' },
      { node: 'lonely', name: 'status', type: 'text' },
      { node: 'a', name: 'id', type: 'integer' },
      { node: 'a', name: 'status', type: 'text' },
    ]);
  });

  it('infers function, cast and aggregate types, unknown for missing columns', () => {
    const ir = pipeline(
      { id: 'o', type: 'source', table: 'orders' },
      {
        id: 's',
        type: 'select',
        input: 'o',
        columns: [
          { column: 'amount', fn: 'round' },
          { column: 'id', fn: 'round', as: 'rid' },
          { column: 'id', cast: 'timestamptz', fn: 'date', as: 'day' },
          { column: 'status', fn: 'trim', as: 'st' },
          { column: 'missing', fn: 'abs' },
          { column: 'amount', cast: 'double', as: 'dbl' },
        ],
      },
      {
        id: 'g',
        type: 'aggregate',
        input: 's',
        groupBy: ['day'],
        aggregations: [
          { fn: 'avg', column: 'dbl', as: 'a' },
          { fn: 'sum', column: 'rid', as: 's' },
        ],
      },
      { id: 't', type: 'target', input: 'g', table: 'x', mode: 'append' },
    );
    const types = Object.fromEntries(
      compilePreview(ir, catalog).columns.map(({ node, name, type }) => [
        `${node}.${name}`,
        type,
      ]),
    );
    expect(types).toMatchObject({
      's.amount': 'numeric',
      's.rid': 'double precision',
      's.day': 'date',
      's.st': 'text',
      's.missing': 'unknown',
      's.dbl': 'double precision',
      'g.a': 'double precision',
      'g.s': 'double precision',
    });
  });

  it('shows the dead-letter insert with the given ids', () => {
    const ir = pipeline(
      orders,
      {
        id: 'v',
        type: 'validate',
        input: 'orders',
        onFail: 'dlq',
        rules: [{ column: 'amount', check: 'not_null' }],
      },
      {
        id: 'out',
        type: 'target',
        input: 'v',
        table: 'paid_orders',
        mode: 'append',
      },
    );
    expect(compilePreview(ir, catalog).parameters.slice(1, 5)).toEqual([
      '<tenant_id>',
      '<pipeline_id>',
      '<run_id>',
      'v',
    ]);
    expect(
      compilePreview(ir, catalog, {
        tenantId: 't',
        pipelineId: 'p',
        deadLetterTable: 'flow.dead_letters',
      }).parameters.slice(1, 5),
    ).toEqual(['t', 'p', '<run_id>', 'v']);
  });
});
