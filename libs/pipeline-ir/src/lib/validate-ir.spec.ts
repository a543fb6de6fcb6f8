import type { FieldError } from '@flow/contracts';

import { IrValidationError } from './errors';
import { NODE_TYPE_NAMES } from './nodes/registry';
import { assertValidIr, validateIr } from './validate-ir';

const IDENT = 'must be an identifier matching ^[a-z_][a-z0-9_]{0,62}$';

/** A document whose shape the cases below break on purpose, so it is deliberately untyped. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type LooseIr = Record<string, any>;

/** The DESIGN §7 example: valid. Each case below breaks one thing in a fresh copy. */
function validIr(): LooseIr {
  return {
    version: 1,
    schedule: {
      type: 'cron',
      expression: '*/15 * * * *',
      timezone: 'Europe/Berlin',
    },
    nodes: [
      {
        id: 'orders',
        type: 'source',
        table: 'orders',
        columns: ['id', 'amount', 'status', 'created_at'],
      },
      {
        id: 'paid',
        type: 'filter',
        input: 'orders',
        where: [{ column: 'status', op: '=', value: 'paid' }],
      },
      {
        id: 'checked',
        type: 'validate',
        input: 'paid',
        rules: [{ column: 'amount', check: 'not_null' }],
        onFail: 'dlq',
      },
      {
        id: 'out',
        type: 'target',
        input: 'checked',
        table: 'paid_orders',
        mode: 'append',
      },
    ],
  };
}

function withIr(mutate: (ir: LooseIr) => void): LooseIr {
  const ir = validIr();
  mutate(ir);
  return ir;
}

describe('validateIr', () => {
  it('accepts the DESIGN §7 example, with or without a schedule', () => {
    expect(validateIr(validIr())).toEqual([]);
    expect(validateIr(withIr((ir) => (ir['schedule'] = null)))).toEqual([]);
    expect(validateIr(withIr((ir) => delete ir['schedule']))).toEqual([]);
  });

  it('accepts every node type and option', () => {
    const ir = {
      version: 1,
      nodes: [
        { id: 'a', type: 'source', table: 'orders' },
        {
          id: 'b',
          type: 'source',
          table: 'customers',
          columns: ['id', 'name'],
        },
        {
          id: 'f',
          type: 'filter',
          input: 'a',
          where: [
            { column: 'status', op: 'in', value: ['paid', 'shipped'] },
            { column: 'n', op: 'not_in', value: [1, 2] },
            { column: 'x', op: 'is_null' },
            { column: 'y', op: 'like', value: 'a%' },
            { column: 'z', op: '>=', value: 2.5 },
            { column: 'flag', op: '!=', value: true },
          ],
        },
        {
          id: 'j',
          type: 'join',
          left: 'f',
          right: 'b',
          kind: 'left',
          on: [{ left: 'customer_id', right: 'id' }],
          rightPrefix: 'c_',
        },
        {
          id: 's',
          type: 'select',
          input: 'j',
          columns: [
            { column: 'id' },
            { column: 'amount', as: 'amt', fn: 'round', cast: 'numeric' },
          ],
        },
        {
          id: 'g',
          type: 'aggregate',
          input: 's',
          groupBy: [],
          aggregations: [
            { fn: 'count', as: 'n' },
            { fn: 'sum', column: 'amt', as: 'total' },
          ],
        },
        {
          id: 'v',
          type: 'validate',
          input: 's',
          onFail: 'fail',
          rules: [
            { column: 'id', check: 'unique' },
            { column: 'amt', check: 'range', min: 0 },
            { column: 'amt', check: 'accepted_values', values: [1, 2, 3] },
            { column: 'id', check: 'regex', pattern: '^[0-9]+$' },
          ],
        },
        {
          id: 't1',
          type: 'target',
          input: 'v',
          table: 'out1',
          mode: 'merge',
          key: ['id'],
        },
        {
          id: 't2',
          type: 'target',
          input: 'g',
          table: 'out2',
          mode: 'replace',
        },
      ],
    };
    expect(validateIr(ir)).toEqual([]);
  });

  const cases: [string, unknown, FieldError[]][] = [
    [
      'a non-object document',
      'SELECT 1',
      [{ path: 'ir', message: 'must be an object' }],
    ],
    [
      'a wrong version',
      withIr((ir) => (ir['version'] = 2)),
      [{ path: 'ir.version', message: 'must be 1' }],
    ],
    [
      'a missing version',
      withIr((ir) => delete ir['version']),
      [{ path: 'ir.version', message: 'is required' }],
    ],
    [
      'an unknown top-level field',
      withIr((ir) => (ir['sql'] = 'DROP TABLE x')),
      [{ path: 'ir.sql', message: 'unknown field' }],
    ],
    [
      'an unknown node field (a typo)',
      withIr((ir) => (ir['nodes'][0].tabel = 'x')),
      [{ path: 'ir.nodes[0].tabel', message: 'unknown field' }],
    ],
    [
      'an unknown condition operator',
      withIr((ir) => (ir['nodes'][1].where[0].op = 'OR 1=1')),
      [
        {
          path: 'ir.nodes[1].where[0].op',
          message:
            'must be one of =, !=, <, <=, >, >=, in, not_in, is_null, is_not_null, like',
        },
      ],
    ],
    [
      'a table name carrying SQL',
      withIr((ir) => (ir['nodes'][0].table = 'orders; DROP TABLE x')),
      [{ path: 'ir.nodes[0].table', message: IDENT }],
    ],
    [
      'a schema-qualified table name',
      withIr((ir) => (ir['nodes'][3].table = 'pg_catalog.pg_authid')),
      [{ path: 'ir.nodes[3].table', message: IDENT }],
    ],
    [
      'an upper-case column and a 64-character one',
      withIr((ir) => (ir['nodes'][0].columns = ['Id', 'a'.repeat(64)])),
      [
        { path: 'ir.nodes[0].columns[0]', message: IDENT },
        { path: 'ir.nodes[0].columns[1]', message: IDENT },
      ],
    ],
    [
      'duplicate node ids',
      withIr((ir) => (ir['nodes'][2].id = 'paid')),
      [
        {
          path: 'ir.nodes[2].id',
          message: 'duplicate node id "paid" (first used by ir.nodes[1])',
        },
        { path: 'ir.nodes[3].input', message: 'unknown node "checked"' },
      ],
    ],
    [
      'an input naming no node',
      withIr((ir) => (ir['nodes'][1].input = 'ordrs')),
      [{ path: 'ir.nodes[1].input', message: 'unknown node "ordrs"' }],
    ],
    [
      'a cycle',
      withIr((ir) => {
        ir['nodes'][1].input = 'checked';
      }),
      [
        {
          path: 'ir.nodes[2].input',
          message: 'creates a cycle: paid → checked → paid',
        },
      ],
    ],
    [
      'a node reading from a target',
      withIr((ir) =>
        ir['nodes'].push({
          id: 'out2',
          type: 'target',
          input: 'out',
          table: 'x',
          mode: 'append',
        }),
      ),
      [
        {
          path: 'ir.nodes[4].input',
          message:
            'must not name a target node ("out"): targets produce no rows',
        },
      ],
    ],
    [
      'no source and no target',
      withIr((ir) => (ir['nodes'] = [])),
      [
        { path: 'ir.nodes', message: 'must contain at least one source node' },
        { path: 'ir.nodes', message: 'must contain at least one target node' },
      ],
    ],
    [
      'merge without a key',
      withIr((ir) => (ir['nodes'][3].mode = 'merge')),
      [{ path: 'ir.nodes[3].key', message: 'is required for mode "merge"' }],
    ],
    [
      'merge with an empty key, append with a key',
      withIr((ir) => {
        ir['nodes'][3].mode = 'merge';
        ir['nodes'][3].key = [];
        ir['nodes'].push({
          id: 'out2',
          type: 'target',
          input: 'paid',
          table: 'y',
          mode: 'append',
          key: ['id'],
        });
      }),
      [
        { path: 'ir.nodes[3].key', message: 'must not be empty' },
        {
          path: 'ir.nodes[4].key',
          message: 'is only allowed for mode "merge"',
        },
      ],
    ],
    [
      'in with an empty list, not_in with a scalar',
      withIr(
        (ir) =>
          (ir['nodes'][1].where = [
            { column: 'status', op: 'in', value: [] },
            { column: 'status', op: 'not_in', value: 'x' },
          ]),
      ),
      [
        { path: 'ir.nodes[1].where[0].value', message: 'must not be empty' },
        { path: 'ir.nodes[1].where[1].value', message: 'must be an array' },
      ],
    ],
    [
      'a list mixing types and holding null',
      withIr(
        (ir) =>
          (ir['nodes'][1].where[0] = {
            column: 'status',
            op: 'in',
            value: ['a', 1, null],
          }),
      ),
      [
        {
          path: 'ir.nodes[1].where[0].value[1]',
          message:
            'must have the same type as ir.nodes[1].where[0].value[0] (string)',
        },
        {
          path: 'ir.nodes[1].where[0].value[2]',
          message: 'must not be null; lists hold strings, numbers or booleans',
        },
      ],
    ],
    [
      'a null check with a value, = with null, = with an object, like with a number',
      withIr(
        (ir) =>
          (ir['nodes'][1].where = [
            { column: 'status', op: 'is_null', value: null },
            { column: 'status', op: '=', value: null },
            { column: 'status', op: '=', value: { raw: 'now()' } },
            { column: 'status', op: 'like', value: 5 },
          ]),
      ),
      [
        {
          path: 'ir.nodes[1].where[0].value',
          message: 'must be absent for op "is_null"',
        },
        {
          path: 'ir.nodes[1].where[1].value',
          message: 'must not be null; use op "is_null" or "is_not_null"',
        },
        {
          path: 'ir.nodes[1].where[2].value',
          message: 'must be a string, number or boolean',
        },
        {
          path: 'ir.nodes[1].where[3].value',
          message: 'must be a string for op "like"',
        },
      ],
    ],
    [
      'range without bounds, min above max',
      withIr(
        (ir) =>
          (ir['nodes'][2].rules = [
            { column: 'amount', check: 'range' },
            { column: 'amount', check: 'range', min: 5, max: 1 },
          ]),
      ),
      [
        {
          path: 'ir.nodes[2].rules[0]',
          message: 'check "range" needs min and/or max',
        },
        { path: 'ir.nodes[2].rules[1].min', message: 'must not exceed max' },
      ],
    ],
    [
      'accepted_values without values, regex without a pattern, a pattern on not_null',
      withIr(
        (ir) =>
          (ir['nodes'][2].rules = [
            { column: 'status', check: 'accepted_values' },
            { column: 'status', check: 'regex' },
            { column: 'status', check: 'not_null', pattern: 'x' },
          ]),
      ),
      [
        {
          path: 'ir.nodes[2].rules[0].values',
          message: 'is required for check "accepted_values"',
        },
        {
          path: 'ir.nodes[2].rules[1].pattern',
          message: 'is required for check "regex"',
        },
        {
          path: 'ir.nodes[2].rules[2].pattern',
          message: 'is not allowed for check "not_null"',
        },
      ],
    ],
    [
      'an unknown node type and onFail',
      withIr((ir) => {
        ir['nodes'][2].onFail = 'ignore';
        ir['nodes'].push({ id: 'raw', type: 'sql', input: 'paid' });
      }),
      [
        { path: 'ir.nodes[2].onFail', message: 'must be one of dlq, fail' },
        {
          path: 'ir.nodes[4].type',
          message: `must be one of ${NODE_TYPE_NAMES.join(', ')}`,
        },
      ],
    ],
    [
      'a function and a cast outside the whitelist, duplicate output names',
      withIr((ir) =>
        ir['nodes'].splice(2, 0, {
          id: 'shaped',
          type: 'select',
          input: 'paid',
          columns: [
            { column: 'amount', fn: 'pg_sleep' },
            { column: 'id', cast: 'regclass' },
            { column: 'status', as: 'amount' },
          ],
        }),
      ),
      [
        {
          path: 'ir.nodes[2].columns[0].fn',
          message:
            'must be one of lower, upper, trim, abs, round, date, length',
        },
        {
          path: 'ir.nodes[2].columns[1].cast',
          message:
            'must be one of text, integer, bigint, numeric, double, boolean, date, timestamptz',
        },
        {
          path: 'ir.nodes[2].columns[2].as',
          message: 'duplicate output column "amount"',
        },
      ],
    ],
    [
      'sum without a column, an aggregation named like a group column',
      withIr((ir) =>
        ir['nodes'].splice(2, 0, {
          id: 'totals',
          type: 'aggregate',
          input: 'paid',
          groupBy: ['status'],
          aggregations: [
            { fn: 'sum', as: 'total' },
            { fn: 'count', as: 'status' },
          ],
        }),
      ),
      [
        {
          path: 'ir.nodes[2].aggregations[0].column',
          message: 'is required for fn "sum"',
        },
        {
          path: 'ir.nodes[2].aggregations[1].as',
          message: 'duplicate output column "status"',
        },
      ],
    ],
    [
      'a join without keys and with a bad kind',
      withIr((ir) =>
        ir['nodes'].splice(2, 0, {
          id: 'j',
          type: 'join',
          left: 'orders',
          right: 'paid',
          kind: 'cross',
          on: [],
        }),
      ),
      [
        { path: 'ir.nodes[2].kind', message: 'must be one of inner, left' },
        { path: 'ir.nodes[2].on', message: 'must not be empty' },
      ],
    ],
    [
      'hostile sizes: a 1,001-character string, 1,001 list values, NUL, Infinity',
      withIr(
        (ir) =>
          (ir['nodes'][1].where = [
            { column: 'status', op: '=', value: 'x'.repeat(1001) },
            {
              column: 'status',
              op: 'in',
              value: Array.from({ length: 1001 }, (_, i) => i),
            },
            { column: 'status', op: '=', value: 'a\u0000b' },
            { column: 'status', op: '=', value: Infinity },
          ]),
      ),
      [
        {
          path: 'ir.nodes[1].where[0].value',
          message: 'must be at most 1000 characters',
        },
        {
          path: 'ir.nodes[1].where[1].value',
          message: 'must have at most 1000 values',
        },
        {
          path: 'ir.nodes[1].where[2].value',
          message: 'must not contain NUL characters',
        },
        {
          path: 'ir.nodes[1].where[3].value',
          message: 'must be a finite number',
        },
      ],
    ],
    [
      'more than 200 nodes',
      withIr(
        (ir) =>
          (ir['nodes'] = Array.from({ length: 201 }, (_, i) => ({
            id: `n${i}`,
            type: 'source',
            table: 't',
          }))),
      ),
      [{ path: 'ir.nodes', message: 'must have at most 200 nodes' }],
    ],
    [
      'a __proto__ key and a hostile key',
      JSON.parse(
        '{"version":1,"nodes":[{"id":"a","type":"source","table":"t","__proto__":{"x":1},"a\\"; --":1},{"id":"b","type":"target","input":"a","table":"u","mode":"append"}]}',
      ),
      [
        { path: 'ir.nodes[0].__proto__', message: 'unknown field' },
        { path: 'ir.nodes[0]["a\\"; --"]', message: 'unknown field' },
      ],
    ],
    [
      'a node id that is not a string, a missing table',
      withIr((ir) => {
        ir['nodes'][0].id = 7;
        delete ir['nodes'][0].table;
      }),
      [
        { path: 'ir.nodes[0].id', message: 'must be a string' },
        { path: 'ir.nodes[0].table', message: 'is required' },
        { path: 'ir.nodes[1].input', message: 'unknown node "orders"' },
      ],
    ],
    [
      'an invalid schedule (delegated to @flow/schedule)',
      withIr((ir) => (ir['schedule'] = 'every minute')),
      [{ path: 'ir.schedule', message: 'must be an object' }],
    ],
  ];

  it.each(cases)('rejects %s', (_name, input, expected) => {
    expect(validateIr(input)).toEqual(expected);
  });

  it('uses the given root path', () => {
    expect(
      validateIr(
        withIr((ir) => (ir['version'] = 0)),
        'body.ir',
      ),
    ).toEqual([{ path: 'body.ir.version', message: 'must be 1' }]);
  });

  it('stops after 100 errors', () => {
    const errors = validateIr({
      version: 1,
      nodes: Array.from({ length: 200 }, () => 'x'),
    });
    expect(errors).toHaveLength(101);
    expect(errors[100]).toEqual({
      path: 'ir.nodes[100]',
      message: 'too many errors; only the first 100 are reported',
    });
  });
});

describe('assertValidIr', () => {
  it('returns the typed IR when valid', () => {
    const ir = validIr();
    expect(assertValidIr(ir)).toBe(ir);
  });

  it('throws an IrValidationError carrying every problem', () => {
    let thrown: unknown;
    try {
      assertValidIr(withIr((ir) => (ir['version'] = 2)));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(IrValidationError);
    expect((thrown as IrValidationError).details).toEqual([
      { path: 'ir.version', message: 'must be 1' },
    ]);
    expect((thrown as IrValidationError).message).toBe(
      'invalid pipeline IR: ir.version: must be 1',
    );
  });
});
