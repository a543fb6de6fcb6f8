import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { queryRows } from '@flow/api/db';
import { RunsService, WorkerService } from '@flow/api/runs';
import type { TenantContext } from '@flow/api/tenancy';
import type { PipelineIr } from '@flow/contracts';

/** The demo pipeline whose first run leaves open dead letters of both kinds (the Dead letters tab's example). */
export const DEMO_DEAD_LETTERS_PIPELINE = 'payments-settlement';

const PAYMENTS = 120;
/** Negative amounts: the validate node's `range` rule rejects them. */
export const DEMO_VALIDATE_LETTER_IDS = [7, 23, 58] as const;
/** A reference longer than the target's varchar(12): the table rejects them. */
export const DEMO_TOO_LONG_IDS = [41, 96] as const;
/** No method: the target's NOT NULL rejects it. */
export const DEMO_NO_METHOD_IDS = [77] as const;

/**
 * `payments` (the source) and `payments_settled` (the target, created here so it carries the constraints a real
 * ledger would: a short reference, a method that must be known). Idempotent: existing tables are left as they are.
 */
export async function createPaymentsTables(
  dataSource: DataSource,
  schema: string,
): Promise<void> {
  const q = (table: string) => `"${schema}"."${table}"`;
  await dataSource.transaction(async (manager) => {
    await manager.query(`
      CREATE TABLE IF NOT EXISTS ${q('payments')} (
        id integer PRIMARY KEY, order_id integer NOT NULL, amount numeric(12,2), method text, reference text NOT NULL)`);
    await manager.query(`
      CREATE TABLE IF NOT EXISTS ${q('payments_settled')} (
        id integer PRIMARY KEY, order_id integer NOT NULL, amount numeric(12,2) NOT NULL, method text NOT NULL,
        reference varchar(12) NOT NULL)`);
    await manager.query(
      `INSERT INTO ${q('payments')} (id, order_id, amount, method, reference)
       SELECT g, 1 + (g * 41) % 5000,
              CASE WHEN g = ANY($2::int[]) THEN -round(g / 3.0, 2) ELSE round(((g * 53) % 20000) / 100.0 + 1, 2) END,
              CASE WHEN g = ANY($4::int[]) THEN NULL ELSE (ARRAY['card','sepa','paypal'])[1 + g % 3] END,
              CASE WHEN g = ANY($3::int[]) THEN 'SETTLEMENT-BATCH-2026-' || g ELSE 'PAY-' || lpad(g::text, 6, '0') END
         FROM generate_series(1, $1::int) AS g
        WHERE NOT EXISTS (SELECT 1 FROM ${q('payments')})`,
      [
        PAYMENTS,
        DEMO_VALIDATE_LETTER_IDS,
        DEMO_TOO_LONG_IDS,
        DEMO_NO_METHOD_IDS,
      ],
    );
  });
}

export function paymentsSettlementIr(): PipelineIr {
  return {
    version: 1,
    schedule: null,
    nodes: [
      {
        id: 'payments',
        type: 'source',
        table: 'payments',
        columns: ['id', 'order_id', 'amount', 'method', 'reference'],
        key: ['id'],
      },
      {
        id: 'checked',
        type: 'validate',
        input: 'payments',
        rules: [
          { column: 'amount', check: 'not_null' },
          { column: 'amount', check: 'range', min: 0 },
        ],
        onFail: 'dlq',
      },
      {
        id: 'out',
        type: 'target',
        input: 'checked',
        table: 'payments_settled',
        mode: 'merge',
        key: ['id'],
      },
    ],
  };
}

/**
 * Runs the settlement pipeline once, through the worker, when it has never run: 114 rows written, 3 validate and
 * 3 write letters open. Returns whether it ran.
 */
export async function runPaymentsSettlementOnce(
  app: INestApplicationContext,
  tenant: TenantContext,
  pipelineId: string,
): Promise<boolean> {
  const dataSource = app.get(DataSource);
  const [{ runs }] = await queryRows<{ runs: number }>(
    dataSource,
    `SELECT count(*)::int AS runs FROM pipeline_runs WHERE pipeline_id = $1`,
    [pipelineId],
  );
  if (runs > 0) return false;
  await app.get(RunsService).trigger(tenant, pipelineId);
  await app.get(WorkerService).drain();
  return true;
}
