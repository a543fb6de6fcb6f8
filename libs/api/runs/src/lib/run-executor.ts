import { Inject, Injectable, Logger } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';

import { FlowMetrics } from '@flow/api/core';
import { tenantSchemaName } from '@flow/api/db';
import { DeadLettersRepository } from '@flow/api/dead-letters';
import {
  FileInputs,
  FileRejectedError,
  type StagedFiles,
} from '@flow/api/files';
import { CatalogService, LineageService } from '@flow/api/pipelines';
import type { PipelineIr } from '@flow/contracts';
import {
  compileRun,
  IrCompileError,
  IrValidationError,
  nodeInputs,
  planReplay,
  quoteIdent,
  type Catalog,
  type NodeMetrics,
  type RunContext,
} from '@flow/pipeline-ir';

import {
  RunsRepository,
  type ClaimedRun,
  type RunTotals,
} from './runs.repository';
import { executeTarget, TooManyRejectedRowsError } from './target-writes';
import { WORKER_OPTIONS, type WorkerOptions } from './worker-options';

/** A failure that a retry cannot fix (invalid IR, unknown table or column, a validate node with onFail: fail). */
export class PermanentRunError extends Error {
  constructor(
    message: string,
    readonly metrics: Partial<RunTotals> = {},
  ) {
    super(message);
    this.name = 'PermanentRunError';
  }
}

/** The run was reaped (and maybe claimed by another worker) while this attempt ran; its writes were rolled back. */
export class LostOwnershipError extends Error {
  constructor(runId: string) {
    super(
      `run ${runId} is no longer owned by this attempt; its writes were rolled back`,
    );
    this.name = 'LostOwnershipError';
  }
}

export type RunOutcome = 'succeeded' | 'queued' | 'failed' | 'lost';

const MAX_ERROR_LENGTH = 4_000;
/** A replay takes at most this many letters (oldest first); the rest stay open for the next one. */
export const MAX_REPLAY_LETTERS = 100_000;

/**
 * Executes one claimed run: the compiled statements and the run's `succeeded` update in one transaction, confined to
 * the tenant's schema. A failure rolls everything back, then records the attempt (retry with backoff, or failed).
 */
@Injectable()
export class RunExecutor {
  private readonly logger = new Logger('RunExecutor');

  constructor(
    private readonly dataSource: DataSource,
    private readonly runs: RunsRepository,
    private readonly catalog: CatalogService,
    private readonly lineage: LineageService,
    private readonly deadLetters: DeadLettersRepository,
    @Inject(WORKER_OPTIONS) private readonly options: WorkerOptions,
    private readonly metrics: FlowMetrics,
    private readonly fileInputs: FileInputs,
  ) {}

  async execute(run: ClaimedRun): Promise<RunOutcome> {
    const started = performance.now();
    const outcome = await this.executeAttempt(run);
    const label = outcome === 'queued' ? 'retried' : outcome;
    this.metrics.runsFinished.inc({ outcome: label });
    this.metrics.runDuration.observe(
      { outcome: label },
      (performance.now() - started) / 1000,
    );
    return outcome;
  }

  private async executeAttempt(run: ClaimedRun): Promise<RunOutcome> {
    const schema = tenantSchemaName(run.tenant_slug);
    const heartbeat = setInterval(() => {
      this.runs
        .heartbeat(run)
        .catch((error: unknown) =>
          this.logger.warn(
            `heartbeat of run ${run.id} failed: ${messageOf(error)}`,
          ),
        );
    }, this.options.heartbeatIntervalMs);
    heartbeat.unref();
    try {
      const { written, created } = await this.executeInTransaction(run, schema);
      if (created) this.catalog.invalidate(schema);
      this.lineage.invalidate(run.tenant_id);
      await this.analyze(schema, written);
      return 'succeeded';
    } catch (caught) {
      const error =
        caught instanceof FileRejectedError
          ? new PermanentRunError(caught.message)
          : caught;
      if (error instanceof LostOwnershipError) {
        this.logger.warn(error.message);
        return 'lost';
      }
      const permanent =
        error instanceof PermanentRunError || isStructuralSqlError(error);
      const metrics = error instanceof PermanentRunError ? error.metrics : {};
      const outcome = await this.runs.markAttemptFailed(
        run,
        truncate(messageOf(error)),
        !permanent,
        this.options,
        metrics,
      );
      this.lineage.invalidate(run.tenant_id);
      if (outcome === null) return 'lost';
      this.logger.warn(
        `run ${run.id} attempt ${run.attempt} failed (${outcome}): ${messageOf(error)}`,
      );
      return outcome;
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Commits data and status together; returns the target tables written and whether any was created. */
  private async executeInTransaction(
    run: ClaimedRun,
    schema: string,
  ): Promise<{ written: string[]; created: boolean }> {
    const runner = this.dataSource.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    const manager = runner.manager;
    let created = false;
    let files: StagedFiles | undefined;
    try {
      await runner.startTransaction();
      const control = await this.runs.controlSchema(manager);
      const ir = await this.runs.pipelineIr(manager, control, run);
      if (!ir) throw new PermanentRunError('the pipeline no longer exists');
      // From here on, unqualified names resolve in the tenant's schema only (the compiler qualifies them anyway).
      await this.runs.scopeTransaction(
        manager,
        schema,
        this.options.statementTimeoutMs,
      );
      const catalog = await this.catalog.loadFresh(schema, manager);
      const replay =
        run.trigger === 'replay'
          ? await this.takeLetters(manager, control, run, ir, catalog)
          : undefined;
      const compiled = compile(
        ir,
        catalog,
        run,
        `${control}.dead_letters`,
        replay,
      );
      files = await this.fileInputs.stage(client, ir, {
        tenantId: run.tenant_id,
        tenantSlug: run.tenant_slug,
        pipelineId: run.pipeline_id,
        runId: run.id,
        deadLetterTable: `${control}.dead_letters`,
        controlSchema: control,
        trigger: run.trigger,
      });
      const parseRejected = Object.values(files.rejectedByNode).reduce(
        (sum, count) => sum + count,
        0,
      );
      const totals: RunTotals = {
        rowsRead: parseRejected,
        rowsWritten: 0,
        rowsRejected: parseRejected,
        nodeMetrics: {},
      };
      for (const statement of compiled.statements) {
        if (statement.kind === 'create_table') {
          await runner.query(statement.sql, statement.parameters);
          created = true;
          continue;
        }
        const started = performance.now();
        const row = await executeTarget(runner, statement).catch(
          (error: unknown) => {
            if (error instanceof TooManyRejectedRowsError)
              throw new PermanentRunError(error.message, {
                ...totals,
                rowsWritten: 0,
              });
            throw error;
          },
        );
        const durationMs = elapsedMs(started);
        totals.rowsRead += Number(row.rows_read);
        totals.rowsWritten += Number(row.rows_written);
        totals.rowsRejected += Number(row.rows_rejected);
        // A node shared by two targets' chains is counted by the first statement that computes it.
        for (const [node, metrics] of Object.entries(row.node_metrics))
          totals.nodeMetrics[node] ??= { ...metrics, durationMs };
        if (row.failed) {
          addRowsIn(ir, totals.nodeMetrics);
          throw new PermanentRunError(validationFailure(ir, row.node_metrics), {
            ...totals,
            rowsWritten: 0,
          });
        }
      }
      if (replay)
        await this.deadLetters.settleReplay(
          manager,
          control,
          run.id,
          replay.deadLetterIds,
        );
      addParseRejects(files.rejectedByNode, totals.nodeMetrics);
      addRowsIn(ir, totals.nodeMetrics);
      if (!(await this.runs.markSucceeded(manager, control, run, totals)))
        throw new LostOwnershipError(run.id);
      await runner.commitTransaction();
      await files.committed();
      const written = [
        ...new Set(
          ir.nodes.flatMap((node) =>
            node.type === 'target' ? [node.table] : [],
          ),
        ),
      ];
      return { written, created };
    } catch (error) {
      if (runner.isTransactionActive)
        await runner.rollbackTransaction().catch(() => undefined);
      if (files) await files.rolledBack(error);
      else await this.fileInputs.rejected(run.tenant_slug, error);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /**
   * A replay's letters: after any other replay of the pipeline has finished, the open letters (the chosen ones, or
   * all) that the pipeline as it is now can trace back to source rows, at most {@link MAX_REPLAY_LETTERS}.
   */
  private async takeLetters(
    manager: EntityManager,
    control: string,
    run: ClaimedRun,
    ir: PipelineIr,
    catalog: Catalog,
  ): Promise<{ deadLetterIds: string[] }> {
    const plan = permanentOnIrError(() => planReplay(ir, catalog));
    const deadLetterIds = await this.deadLetters.takeForReplay(
      manager,
      control,
      { tenantId: run.tenant_id, pipelineId: run.pipeline_id },
      run.replay_dead_letter_ids,
      plan.letterSources,
      MAX_REPLAY_LETTERS,
    );
    return { deadLetterIds };
  }

  /**
   * Refreshes planner statistics of the written tables (outside the run's transaction, best effort): a new table
   * has none until autovacuum gets to it, and lineage reads its row estimate from them.
   */
  private async analyze(schema: string, tables: string[]): Promise<void> {
    for (const table of tables) {
      await this.dataSource
        .query(`ANALYZE ${quoteIdent(schema)}.${quoteIdent(table)}`)
        .catch((error: unknown) => {
          this.logger.warn(
            `ANALYZE of ${schema}.${table} failed: ${messageOf(error)}`,
          );
        });
    }
  }
}

function compile(
  ir: PipelineIr,
  catalog: Catalog,
  run: ClaimedRun,
  deadLetterTable: string,
  replay: RunContext['replay'],
) {
  return permanentOnIrError(() =>
    compileRun(ir, catalog, {
      tenantId: run.tenant_id,
      pipelineId: run.pipeline_id,
      runId: run.id,
      deadLetterTable,
      replay,
    }),
  );
}

/** An IR that no longer validates or compiles fails the run for good: a retry would meet the same IR. */
function permanentOnIrError<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof IrValidationError || error instanceof IrCompileError)
      throw new PermanentRunError(error.message);
    throw error;
  }
}

/** `validation failed: node "checked" rejected 2 rows (onFail: fail)`, naming every failing node. */
/** Milliseconds since `started` (performance.now()), to 0.1 ms. */
function elapsedMs(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

/**
 * Records each node's rows in: a source's rows are what it read; any other node received the sum of its inputs'
 * output rows. Left out when an input has no figure (it was not computed).
 */
function addRowsIn(ir: PipelineIr, metrics: Record<string, NodeMetrics>): void {
  for (const node of ir.nodes) {
    const own = metrics[node.id];
    if (!own) continue;
    if (nodeInputs(node).length === 0) {
      own.rowsIn = own.rows;
      continue;
    }
    const inputs = nodeInputs(node).map((input) => metrics[input]?.rows);
    if (inputs.every((rows) => rows !== undefined))
      own.rowsIn = inputs.reduce((sum: number, rows) => sum + (rows ?? 0), 0);
  }
}

/** A file node's lines that did not parse are its rejected rows, and rows it read (a source's `rows` are the good ones). */
function addParseRejects(
  rejectedByNode: Record<string, number>,
  metrics: Record<string, NodeMetrics>,
): void {
  for (const [node, rejected] of Object.entries(rejectedByNode)) {
    const own = metrics[node];
    if (own) own.rejected = (own.rejected ?? 0) + rejected;
  }
}

function validationFailure(
  ir: PipelineIr,
  metrics: Record<string, NodeMetrics>,
): string {
  const failing = ir.nodes
    .filter(
      (node) =>
        node.type === 'validate' &&
        node.onFail === 'fail' &&
        (metrics[node.id]?.rejected ?? 0) > 0,
    )
    .map(
      (node) =>
        `node "${node.id}" rejected ${metrics[node.id]?.rejected} row(s)`,
    );
  return `validation failed (onFail: fail): ${failing.join(', ') || 'rows were rejected'}; nothing was written`;
}

/**
 * SQLSTATE class 42 (undefined table or column, no unique constraint for a merge key, insufficient privilege):
 * the SQL does not fit the tables, and retrying the same SQL cannot fix that. Data errors, timeouts, deadlocks
 * and lost connections are retried.
 */
function isStructuralSqlError(error: unknown): boolean {
  const candidate = error as {
    code?: unknown;
    driverError?: { code?: unknown };
  } | null;
  const code = candidate?.driverError?.code ?? candidate?.code;
  return typeof code === 'string' && code.startsWith('42');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function truncate(text: string): string {
  return text.length <= MAX_ERROR_LENGTH
    ? text
    : `${text.slice(0, MAX_ERROR_LENGTH - 1)}…`;
}
