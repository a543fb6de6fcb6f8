import type { PipelineIr } from '@flow/contracts';

import { analyzeIr, type Analysis, type TargetPlan } from './analyze-ir';
import type { Catalog } from './catalog';
import { IrCompileError } from './errors';
import { quoteIdent, quoteTrustedQualifiedName } from './identifiers';
import { NODE_TYPES } from './nodes/registry';
import { replayIssues } from './replay-plan';
import type { RunContext } from './run-context';
import { Parameters, TargetStatement } from './target-statement';
import { assertValidIr } from './validate-ir';

/** SQL text and its bind parameters (`$1` is `parameters[0]`). */
export interface CompiledSql {
  sql: string;
  parameters: unknown[];
}

/**
 * How the worker writes a target whose table rejected a row (a failed cast, a NOT NULL, a length, a constraint),
 * after rolling the statement back: create the stage, run `stage` (the same statement, its rows numbered into the
 * stage instead of the table), then write the staged rows in slices, splitting a rejected slice until the single
 * rows the table rejects are dead-lettered with the database's message.
 */
export interface IsolatedWrite {
  /** Creates the stage, a temporary table dropped at commit, with the exact types of the target's input. */
  createStage: CompiledSql;
  /** Returns a {@link TargetResultRow} whose `rows_written` (and the target's metrics) count the staged rows. */
  stage: CompiledSql;
  /** Writes the staged rows with `$1 < ordinal <= $2`; returns `{ written }`. Fill `parameters[0..1]`. */
  writeSlice: CompiledSql;
  /** Dead-letters (kind `write`) the staged row with ordinal `$1` and the reason `$2`. Fill `parameters[0..1]`. */
  deadLetter: CompiledSql;
}

/** One SQL statement with its bind parameters (`$1` is `parameters[0]`). */
export interface CompiledStatement {
  /** `create_table`: DDL for a missing target table; `target`: one target's CTE chain returning a {@link TargetResultRow}. */
  kind: 'create_table' | 'target';
  /** The target node the statement belongs to. */
  node: string;
  sql: string;
  parameters: unknown[];
  /** For `target` statements of a run: how to write its rows one slice at a time when the table rejects some. */
  isolation?: IsolatedWrite;
}

export interface CompiledRun {
  /** DDL first (one per missing table), then one `target` statement per target in IR order. */
  statements: CompiledStatement[];
}

/**
 * Rows counted by a node in one statement. `rejected` only for validate nodes. The worker adds `rowsIn` (its inputs'
 * rows) and `durationMs` (the statement's) before storing them with the run.
 */
export interface NodeMetrics {
  rows: number;
  rejected?: number;
  rowsIn?: number;
  durationMs?: number;
}

/**
 * The single row a `target` statement returns. Counts are `bigint` (node-postgres returns them as strings).
 * `rows_read` and `rows_rejected` count only the sources and validate nodes this statement owns (the first target
 * that depends on them), so summing over a run's statements gives the run's totals.
 */
export interface TargetResultRow {
  rows_read: string | number;
  rows_written: string | number;
  rows_rejected: string | number;
  /** A validate node with `onFail: 'fail'` rejected rows: this statement wrote nothing; roll the run back. */
  failed: boolean;
  /** Every node of the statement's chain, keyed by node id. */
  node_metrics: Record<string, NodeMetrics>;
}

export interface PreviewColumn {
  node: string;
  name: string;
  type: string;
}

export interface SqlPreview {
  /** Every statement of the run, separated by `;\n`, with one parameter numbering across all of them. */
  sql: string;
  parameters: unknown[];
  columns: PreviewColumn[];
  /** `<json path>: <message>` for unknown tables and columns, tables the run will create, unused nodes. */
  warnings: string[];
}

const PREVIEW_CONTEXT: RunContext = {
  tenantId: '<tenant_id>',
  pipelineId: '<pipeline_id>',
  runId: '<run_id>',
  deadLetterTable: 'public.dead_letters',
};

/**
 * The SQL a run would execute, for display: never throws on unknown tables or columns (they become warnings), so
 * it works before the tables exist. The dead-letter insert shows placeholder ids unless `context` supplies them.
 * Throws {@link IrValidationError} when `ir` is not a valid IR.
 */
export function compilePreview(
  ir: PipelineIr,
  catalog: Catalog,
  context: Partial<RunContext> = {},
): SqlPreview {
  const analysis = analyzeIr(assertValidIr(ir), catalog);
  const run = { ...PREVIEW_CONTEXT, ...context };
  const parameters = new Parameters();
  const sql = compileStatements(analysis, run, () => parameters)
    .map((statement) => statement.sql)
    .join(';\n');
  const columns = ir.nodes.flatMap((node) =>
    (analysis.relations.get(node.id)?.columns ?? []).map(({ name, type }) => ({
      node: node.id,
      name,
      type,
    })),
  );
  const warnings = [...analysis.issues, ...analysis.notes].map(
    ({ path, message }) => `${path}: ${message}`,
  );
  return { sql, parameters: parameters.values, columns, warnings };
}

/**
 * The statements of one run. Execute them in order, in one transaction (with the run's status update); each
 * `target` statement returns one {@link TargetResultRow}. Throws {@link IrValidationError} for an invalid IR and
 * {@link IrCompileError} (details name node and column) for unknown tables or columns, join name clashes, or an
 * existing target table that lacks a written column.
 */
export function compileRun(
  ir: PipelineIr,
  catalog: Catalog,
  run: RunContext,
): CompiledRun {
  const analysis = analyzeIr(assertValidIr(ir), catalog);
  const issues = [
    ...analysis.issues,
    ...(run.replay ? replayIssues(analysis) : []),
  ];
  if (issues.length > 0) throw new IrCompileError(issues);
  quoteTrustedQualifiedName(run.deadLetterTable);
  const statements = compileStatements(analysis, run, () => new Parameters());
  for (const statement of statements) {
    const plan = analysis.targets.find(
      (target) => target.node.id === statement.node,
    );
    if (statement.kind === 'target' && plan)
      statement.isolation = isolatedWrite(analysis, plan, run);
  }
  return { statements };
}

function isolatedWrite(
  analysis: Analysis,
  plan: TargetPlan,
  run: RunContext,
): IsolatedWrite {
  const columns = analysis.relations.get(plan.node.input)?.columns ?? [];
  let ordinal = 'flow_ordinal';
  while (columns.some((column) => column.name === ordinal)) ordinal += '_';
  const stage = {
    name: `pg_temp.${quoteIdent(`flow_stage_${plan.index}`)}`,
    ordinal,
  };
  const build = (
    text: (statement: TargetStatement) => string,
    reserved = 0,
  ): CompiledSql => {
    const parameters = new Parameters();
    for (let i = 0; i < reserved; i++) parameters.add(null);
    const statement = new TargetStatement(
      analysis,
      plan,
      run,
      parameters,
      stage,
    );
    return { sql: text(statement), parameters: parameters.values };
  };
  const target = NODE_TYPES.target;
  return {
    createStage: build((statement) => statement.stageTableSql(stage)),
    stage: build((statement) => statement.sql()),
    writeSlice: build((statement) => target.sliceSql(plan.node, statement), 2),
    deadLetter: build(
      (statement) => target.deadLetterSql(plan.node, statement),
      2,
    ),
  };
}

function compileStatements(
  analysis: Analysis,
  run: RunContext,
  parametersFor: () => Parameters,
): CompiledStatement[] {
  const ddl: CompiledStatement[] = [];
  const created = new Set<string>();
  for (const plan of analysis.targets) {
    const columns = analysis.relations.get(plan.node.input)?.columns ?? null;
    if (plan.table || created.has(plan.node.table) || columns === null)
      continue;
    created.add(plan.node.table);
    const parameters = parametersFor();
    ddl.push({
      kind: 'create_table',
      node: plan.node.id,
      sql: NODE_TYPES.target.createTableSql(
        plan.node,
        analysis.catalog,
        columns,
      ),
      parameters: parameters.values,
    });
  }
  const targets = analysis.targets.map((plan): CompiledStatement => {
    const parameters = parametersFor();
    return {
      kind: 'target',
      node: plan.node.id,
      sql: new TargetStatement(analysis, plan, run, parameters).sql(),
      parameters: parameters.values,
    };
  });
  return [...ddl, ...targets];
}
