import type { IrNode, PipelineIr } from '@flow/contracts';

import type { Catalog } from '../catalog';
import { compileRun } from '../compile';
import { planReplay } from '../replay-plan';
import { validateNode } from '../validate-ir';

const orders: IrNode = {
  id: 'orders',
  type: 'stream',
  stream: 'ORDERS',
  subject: 'orders',
  partitions: 4,
  format: 'json',
  columns: [
    { name: 'id', type: 'bigint' },
    { name: 'amount', type: 'numeric' },
    { name: 'placed_at', type: 'timestamptz' },
  ],
  key: ['id'],
};
const ir: PipelineIr = {
  version: 1,
  nodes: [
    orders,
    {
      id: 'out',
      type: 'target',
      input: 'orders',
      table: 'orders_live',
      mode: 'append',
    },
  ],
};
const catalog: Catalog = { schema: 'tenant_acme', tables: new Map() };
const run = {
  tenantId: 't-1',
  pipelineId: 'p-1',
  runId: null,
  deadLetterTable: 'public.dead_letters',
};

describe('stream node', () => {
  describe('validate', () => {
    it('accepts a stream source with typed columns and a key', () => {
      expect(validateNode(orders, 'ir.nodes[0]')).toEqual([]);
    });

    it('names every bad field', () => {
      expect(
        validateNode(
          {
            id: 's',
            type: 'stream',
            stream: 'ORD ERS',
            subject: 'orders.*',
            partitions: 0,
            format: 'avro',
            columns: [
              { name: 'id', type: 'uuid' },
              { name: 'id', type: 'text' },
            ],
            key: ['nope'],
          },
          'n',
        ).map((error) => error.path),
      ).toEqual([
        'n.stream',
        'n.subject',
        'n.partitions',
        'n.format',
        'n.columns[0].type',
        'n.columns[1].name',
        'n.key[0]',
      ]);
    });

    it('requires the stream, subject, partitions, format and columns', () => {
      expect(
        validateNode({ id: 's', type: 'stream' }, 'n').map((e) => e.path),
      ).toEqual([
        'n.stream',
        'n.subject',
        'n.partitions',
        'n.format',
        'n.columns',
      ]);
    });
  });

  describe('compile', () => {
    it('reads the batch parameter into the declared types', () => {
      const { statements } = compileRun(ir, catalog, {
        ...run,
        streamBatch: '[{"id":1}]',
      });
      const target = statements.find((s) => s.kind === 'target');
      expect(target?.sql).toContain(
        'FROM jsonb_to_recordset($1::jsonb) AS m("id" bigint, "amount" numeric, "placed_at" timestamp with time zone)',
      );
      expect(target?.parameters[0]).toBe('[{"id":1}]');
      const ddl = statements.find((s) => s.kind === 'create_table');
      expect(ddl?.sql).toContain('"placed_at" timestamp with time zone');
    });

    it('reads an empty batch outside the stream worker', () => {
      const { statements } = compileRun(ir, catalog, run);
      const target = statements.find((s) => s.kind === 'target');
      expect(target?.parameters[0]).toBe('[]');
    });

    it('cannot be replayed', () => {
      expect(() => planReplay(ir, catalog)).toThrow(
        /cannot replay through node "orders"/,
      );
    });
  });
});
