import type { IrNode, PipelineIr } from '@flow/contracts';

import type { Catalog } from './catalog';
import { compilePreview, compileRun } from './compile';
import { IrCompileError } from './errors';
import { planReplay } from './replay-plan';
import { validateIr } from './validate-ir';

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
          { name: 'name', type: 'text' },
        ],
      },
    ],
    [
      'paid_orders',
      {
        columns: [
          { name: 'id', type: 'integer' },
          { name: 'amount', type: 'numeric' },
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

function pipeline(...nodes: IrNode[]): PipelineIr {
  return { version: 1, nodes };
}

const keyedOrders: IrNode = {
  id: 'orders',
  type: 'source',
  table: 'orders',
  columns: ['id', 'amount'],
  key: ['id'],
};
const checked: IrNode = {
  id: 'v',
  type: 'validate',
  input: 'orders',
  rules: [{ column: 'amount', check: 'not_null' }],
  onFail: 'dlq',
};
const merged: IrNode = {
  id: 'out',
  type: 'target',
  input: 'v',
  table: 'paid_orders',
  mode: 'merge',
  key: ['id'],
};

function compileIssues(ir: PipelineIr, replay = false): unknown {
  try {
    compileRun(
      ir,
      catalog,
      replay ? { ...run, replay: { deadLetterIds: ['d'] } } : run,
    );
  } catch (error) {
    if (error instanceof IrCompileError) return error.details;
    throw error;
  }
  return [];
}

describe('source keys', () => {
  it('validates key as a non-empty list of distinct identifiers', () => {
    const source = { id: 's', type: 'source', table: 't' };
    const ir = (key: unknown) => ({
      version: 1,
      nodes: [
        { ...source, key },
        { id: 'o', type: 'target', input: 's', table: 'x', mode: 'append' },
      ],
    });
    expect(validateIr(ir(['id', 'region']))).toEqual([]);
    expect(validateIr(ir([]))).toEqual([
      { path: 'ir.nodes[0].key', message: 'must not be empty' },
    ]);
    expect(validateIr(ir(['id', 'id']))).toEqual([
      { path: 'ir.nodes[0].key[1]', message: 'duplicate column "id"' },
    ]);
  });

  it('names a key column the table does not have', () => {
    expect(
      compileIssues(
        pipeline({ ...keyedOrders, key: ['id', 'nope'] }, checked, merged),
      ),
    ).toEqual([
      {
        path: 'ir.nodes[0].key[1]',
        message: 'unknown column "nope" in table "orders"',
      },
    ]);
  });

  it('records the key of every keyed source a rejected row carries', () => {
    const [statement] = compileRun(
      pipeline(keyedOrders, checked, merged),
      catalog,
      run,
    ).statements;
    expect(statement.sql).toContain(
      `INSERT INTO "public"."dead_letters" ("tenant_id", "pipeline_id", "run_id", "node_id", "kind", "row", "row_key", "reason")
  SELECT $2, $3, $4, $5, 'validate', to_jsonb("row"), jsonb_build_object($6::text, jsonb_build_object($7::text, ("row")."id")), array_to_string(reasons, '; ')
  FROM "v:rejected"`,
    );
    expect(statement.parameters.slice(1, 7)).toEqual([
      't-1',
      'p-1',
      'r-1',
      'v',
      'orders',
      'id',
    ]);
  });

  it('defaults a source key to the merge target key, followed through renames and joins', () => {
    const ir = pipeline(
      { id: 'orders', type: 'source', table: 'orders' },
      // Not every column of the merge key comes from customers: its key is declared.
      { id: 'customers', type: 'source', table: 'customers', key: ['id'] },
      {
        id: 'j',
        type: 'join',
        kind: 'left',
        left: 'orders',
        right: 'customers',
        on: [{ left: 'customer_id', right: 'id' }],
        rightPrefix: 'customer_',
      },
      {
        id: 's',
        type: 'select',
        input: 'j',
        columns: [
          { column: 'id', as: 'order_id' },
          { column: 'customer_id' },
          { column: 'customer_name', fn: 'upper' },
        ],
      },
      checked && {
        ...checked,
        input: 's',
        rules: [{ column: 'customer_id', check: 'not_null' }],
      },
      {
        id: 'out',
        type: 'target',
        input: 'v',
        table: 'order_customers',
        mode: 'merge',
        key: ['order_id', 'customer_id'],
      },
    );
    expect(planReplay(ir, catalog).letterSources).toEqual({
      v: ['orders', 'customers'],
      out: ['orders', 'customers'],
    });
    const [, statement] = compileRun(ir, catalog, run).statements;
    // orders defaults to (id, customer_id); customers' id is carried by the left join key after the join.
    expect(statement.sql).toContain(
      `jsonb_build_object($6::text, jsonb_build_object($7::text, ("row")."customer_id"), $8::text, jsonb_build_object($9::text, ("row")."order_id", $10::text, ("row")."customer_id"))`,
    );
    expect(statement.parameters.slice(5, 10)).toEqual([
      'customers',
      'id',
      'orders',
      'id',
      'customer_id',
    ]);
  });
});

describe('replay (the row-key filter)', () => {
  it('reads only the rows whose key a replayed letter recorded, through the table row type', () => {
    const [statement] = compileRun(
      pipeline(keyedOrders, checked, merged),
      catalog,
      {
        ...run,
        replay: { deadLetterIds: ['d-1', 'd-2'] },
      },
    ).statements;
    expect(statement.sql).toContain(`WITH "orders" AS (
  SELECT "id", "amount"
  FROM "tenant_acme"."orders"
  WHERE ("id") IN (
    SELECT k."id"
    FROM "public"."dead_letters" AS l, jsonb_populate_record(NULL::"tenant_acme"."orders", l."row_key" -> $1::text) AS k
    WHERE l."id" = ANY($2::uuid[])
  )
),`);
    expect(statement.parameters.slice(0, 2)).toEqual([
      'orders',
      ['d-1', 'd-2'],
    ]);
  });

  it('names every node that stands in the way of a replay', () => {
    const ir = pipeline(
      { id: 'orders', type: 'source', table: 'orders' },
      { id: 'customers', type: 'source', table: 'customers', key: ['id'] },
      {
        id: 'j',
        type: 'join',
        kind: 'inner',
        left: 'orders',
        right: 'customers',
        on: [{ left: 'customer_id', right: 'id' }],
        rightPrefix: 'c_',
      },
      {
        id: 's',
        type: 'select',
        input: 'j',
        columns: [{ column: 'id' }, { column: 'c_id', cast: 'text' }],
      },
      { id: 'out', type: 'target', input: 's', table: 'x', mode: 'replace' },
    );
    const expected = [
      {
        path: 'ir.nodes[0].key',
        message:
          'source "orders" has no key: declare "key" (the columns that identify one of its rows) to replay its dead letters',
      },
      {
        path: 'ir.nodes[4]',
        message:
          'cannot replay through node "out": mode "replace" would replace the table with the replayed rows alone; use "append" or "merge"',
      },
      {
        path: 'ir.nodes[1].key',
        message:
          'the key of source "customers" (id) does not reach node "out" unchanged: its dead letters could not be traced back to source rows',
      },
    ];
    expect(compileIssues(ir, true)).toEqual(expected);
    expect(() => planReplay(ir, catalog)).toThrow(IrCompileError);
    // A normal run is unaffected.
    expect(compileIssues(ir)).toEqual([]);
  });

  it('refuses to replay rows an aggregate would combine into partial groups', () => {
    const ir = pipeline(
      keyedOrders,
      checked,
      {
        id: 'g',
        type: 'aggregate',
        input: 'v',
        groupBy: ['amount'],
        aggregations: [{ fn: 'count', as: 'n' }],
      },
      { id: 'out', type: 'target', input: 'g', table: 'x', mode: 'append' },
    );
    expect(compileIssues(ir, true)).toEqual([
      {
        path: 'ir.nodes[0].key',
        message:
          'the key of source "orders" (id) does not reach the output of node "g" unchanged: a replay of some of its rows would combine partial groups',
      },
      {
        path: 'ir.nodes[0].key',
        message:
          'the key of source "orders" (id) does not reach node "out" unchanged: its dead letters could not be traced back to source rows',
      },
    ]);
  });
});

describe('isolated writes', () => {
  it('stages the input rows, writes them in slices and dead-letters single rows with the database reason', () => {
    const [statement] = compileRun(
      pipeline(keyedOrders, checked, merged),
      catalog,
      run,
    ).statements;
    const isolation = statement.isolation;
    expect(isolation?.createStage.sql).toMatch(
      /^CREATE TEMPORARY TABLE pg_temp\."flow_stage_2" ON COMMIT DROP AS\nWITH "orders" AS \([\s\S]*\nSELECT "id", "amount", CAST\(0 AS bigint\) AS "flow_ordinal"\nFROM "v"\nWITH NO DATA$/,
    );
    expect(isolation?.createStage.sql).not.toContain('INSERT');
    expect(isolation?.stage.sql).toContain(`"out:stage" AS (
  INSERT INTO pg_temp."flow_stage_2" ("id", "amount", "flow_ordinal")
  SELECT "id", "amount", row_number() OVER ()
  FROM "v"
  RETURNING 1
)`);
    expect(isolation?.stage.sql).toContain(`"v:dlq" AS (`);
    expect(isolation?.stage.sql).not.toContain('"tenant_acme"."paid_orders"');
    expect(isolation?.writeSlice).toEqual({
      sql: `WITH "out:write" AS (
  INSERT INTO "tenant_acme"."paid_orders" AS t ("id", "amount")
  SELECT "id", "amount"
  FROM pg_temp."flow_stage_2"
  WHERE "flow_ordinal" > $1 AND "flow_ordinal" <= $2
  ON CONFLICT ("id") DO UPDATE SET "amount" = EXCLUDED."amount"
  WHERE (t."amount") IS DISTINCT FROM (EXCLUDED."amount")
  RETURNING 1
)
SELECT count(*) AS written FROM "out:write"`,
      parameters: [null, null],
    });
    expect(isolation?.deadLetter).toEqual({
      sql: `INSERT INTO "public"."dead_letters" ("tenant_id", "pipeline_id", "run_id", "node_id", "kind", "row", "row_key", "reason")
SELECT $3, $4, $5, $6, 'write', to_jsonb(s) - $7::text, jsonb_build_object($8::text, jsonb_build_object($9::text, s."id")), $2
FROM pg_temp."flow_stage_2" AS s
WHERE s."flow_ordinal" = $1`,
      parameters: [
        null,
        null,
        't-1',
        'p-1',
        'r-1',
        'out',
        'flow_ordinal',
        'orders',
        'id',
      ],
    });
  });

  it('keeps the ordinal column apart from an input column of the same name', () => {
    const wide: Catalog = {
      schema: 'tenant_acme',
      tables: new Map([
        ['w', { columns: [{ name: 'flow_ordinal', type: 'integer' }] }],
      ]),
    };
    const [statement] = compileRun(
      pipeline(
        { id: 'w', type: 'source', table: 'w' },
        { id: 'out', type: 'target', input: 'w', table: 'w2', mode: 'append' },
      ),
      wide,
      run,
    ).statements.filter((candidate) => candidate.kind === 'target');
    expect(statement.isolation?.writeSlice.sql).toContain(
      'SELECT "flow_ordinal"\n  FROM pg_temp."flow_stage_1"\n  WHERE "flow_ordinal_" > $1',
    );
  });

  it('is not part of a preview', () => {
    expect(
      compilePreview(pipeline(keyedOrders, checked, merged), catalog).sql,
    ).not.toContain('flow_stage');
  });
});
