import type { FileNode, PipelineIr } from '@flow/contracts';

import { compileRun } from '../compile';
import { IrCompileError } from '../errors';
import { filePatternBase, filePatternMatcher } from '../file-pattern';
import { planReplay } from '../replay-plan';
import { validateIr } from '../validate-ir';

const file: FileNode = {
  id: 'orders',
  type: 'file',
  path: 'orders/*.csv',
  format: 'csv',
  header: true,
  columns: [
    { name: 'id', type: 'integer' },
    { name: 'amount', type: 'numeric' },
  ],
  key: ['id'],
};

function pipeline(node: Record<string, unknown>): PipelineIr {
  return {
    version: 1,
    nodes: [
      node as FileNode,
      {
        id: 'out',
        type: 'target',
        input: 'orders',
        table: 'orders_out',
        mode: 'append',
      },
    ],
  };
}

const catalog = { schema: 'tenant_acme', tables: new Map() };
const run = {
  tenantId: 't-1',
  pipelineId: 'p-1',
  runId: 'r-1',
  deadLetterTable: 'public.dead_letters',
};

describe('file node', () => {
  describe('validation', () => {
    it('accepts a csv and an ndjson source', () => {
      expect(validateIr(pipeline({ ...file }))).toEqual([]);
      const { header: _header, ...ndjson } = file;
      expect(validateIr(pipeline({ ...ndjson, format: 'ndjson' }))).toEqual([]);
    });

    it.each([
      ['/etc/passwd', 'ir.nodes[0].path', 'not an absolute path'],
      ['~/orders/*.csv', 'ir.nodes[0].path', 'not an absolute path'],
      ['../acme2/orders/*.csv', 'ir.nodes[0].path', 'must not contain ".."'],
      ['orders/../../x.csv', 'ir.nodes[0].path', 'must not contain ".."'],
      ['.failed/*.csv', 'ir.nodes[0].path', 'must not name hidden'],
      ['orders//x.csv', 'ir.nodes[0].path', 'empty or "." path segments'],
      ['orders/**/x.csv', 'ir.nodes[0].path', 'not "**"'],
      ['orders\\x.csv', 'ir.nodes[0].path', 'no backslashes'],
      ['orders/$(x).csv', 'ir.nodes[0].path', 'unsupported character'],
      ['', 'ir.nodes[0].path', 'must not be empty'],
    ])('rejects the path %j', (path, at, message) => {
      const errors = validateIr(pipeline({ ...file, path }));
      expect(errors).toEqual([
        { path: at, message: expect.stringContaining(message) },
      ]);
    });

    it('names the field of an unknown format, an unknown column type and a key outside the columns', () => {
      expect(
        validateIr(
          pipeline({
            ...file,
            format: 'xml',
            columns: [
              { name: 'id', type: 'int4' },
              { name: 'id', type: 'text' },
            ],
            key: ['nope'],
          }),
        ),
      ).toEqual([
        {
          path: 'ir.nodes[0].format',
          message: 'must be one of csv, ndjson',
        },
        {
          path: 'ir.nodes[0].columns[0].type',
          message: expect.stringContaining('must be one of text, integer'),
        },
        {
          path: 'ir.nodes[0].columns[1].name',
          message: 'duplicate column "id"',
        },
        {
          path: 'ir.nodes[0].key[0]',
          message: 'unknown column "nope": not among columns',
        },
      ]);
    });

    it('rejects header on ndjson and a missing path', () => {
      const { path: _path, ...noPath } = file;
      expect(
        validateIr(pipeline({ ...noPath, format: 'ndjson' })).map(
          (error) => error.path,
        ),
      ).toEqual(['ir.nodes[0].path', 'ir.nodes[0].header']);
    });
  });

  describe('file_arrival trigger', () => {
    const withTrigger = (trigger: unknown, extra: object = {}) => ({
      ...pipeline({ ...file }),
      trigger,
      ...extra,
    });

    it('accepts a trigger on a file node path with a deadline', () => {
      expect(
        validateIr(
          withTrigger({
            type: 'file_arrival',
            path: 'orders/*.csv',
            deadline: {
              cron: '0 6 * * *',
              timezone: 'Europe/Berlin',
              graceMinutes: 15,
            },
          }),
        ),
      ).toEqual([]);
    });

    it('names each bad field', () => {
      expect(
        validateIr(
          withTrigger(
            {
              type: 'file_drop',
              path: 'invoices/*.csv',
              deadline: {
                cron: '61 6 * * *',
                timezone: 'Mars/Olympus',
                graceMinutes: -1,
              },
            },
            { schedule: { type: 'cron', expression: '* * * * *' } },
          ),
        ).map((error) => error.path),
      ).toEqual([
        'ir.trigger.type',
        'ir.schedule',
        'ir.trigger.path',
        expect.stringMatching(/^ir\.trigger\.deadline\.(cron|timezone)$/),
        expect.stringMatching(/^ir\.trigger\.deadline\.(cron|timezone)$/),
        'ir.trigger.deadline.graceMinutes',
      ]);
    });
  });

  describe('compile', () => {
    it('reads the staged lines like a table, typed by the declared columns', () => {
      const [statement] = compileRun(
        pipeline({ ...file }),
        catalog,
        run,
      ).statements.filter((candidate) => candidate.kind !== 'create_table');
      expect(statement.sql).toContain(
        '"orders" AS (\n  SELECT "id", "amount"\n  FROM pg_temp."file:orders"\n)',
      );
      const created = compileRun(pipeline({ ...file }), catalog, run)
        .statements[0];
      expect(created.sql).toContain('"amount" numeric');
    });

    it('cannot be replayed', () => {
      expect(() => planReplay(pipeline({ ...file }), catalog)).toThrow(
        IrCompileError,
      );
    });
  });

  describe('patterns', () => {
    it.each([
      ['orders/*.csv', 'orders/2026-12-01.csv', true],
      ['orders/*.csv', 'orders/sub/2026-12-01.csv', false],
      ['orders/*.csv', 'orders/x.csvx', false],
      ['orders/day-??.csv', 'orders/day-01.csv', true],
      ['*.csv', 'a.csv', true],
      ['a.b', 'axb', false],
    ])('%s matches %s: %s', (pattern, path, expected) => {
      expect(filePatternMatcher(pattern)(path)).toBe(expected);
    });

    it('finds the fixed directory to list', () => {
      expect(filePatternBase('orders/*.csv')).toBe('orders');
      expect(filePatternBase('*.csv')).toBe('');
      expect(filePatternBase('a/b*/c.csv')).toBe('a');
    });
  });
});
