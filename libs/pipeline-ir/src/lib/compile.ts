import type {
  Condition,
  IrNode,
  PipelineIr,
  ValidateNode,
  ValidationRule,
} from '@flow/contracts';

import {
  analyzeIr,
  type Analysis,
  type Column,
  type TargetPlan,
} from './analyze-ir';
import type { Catalog } from './catalog';
import { IrCompileError } from './errors';
import {
  qualifiedName,
  quoteIdent,
  quoteTrustedQualifiedName,
} from './identifiers';
import {
  AGGREGATES_SQL,
  CAST_SQL_TYPES,
  ddlType,
  SELECT_FUNCTIONS_SQL,
} from './sql-types';
import { assertValidIr } from './validate-ir';

/** One SQL statement with its bind parameters (`$1` is `parameters[0]`). */
export interface CompiledStatement {
  /** `create_table`: DDL for a missing target table; `target`: one target's CTE chain returning a {@link TargetResultRow}. */
  kind: 'create_table' | 'target';
  /** The target node the statement belongs to. */
  node: string;
  sql: string;
  parameters: unknown[];
}

export interface CompiledRun {
  /** DDL first (one per missing table), then one `target` statement per target in IR order. */
  statements: CompiledStatement[];
}

/** Rows counted by a node in one statement. `rejected` only for validate nodes. */
export interface NodeMetrics {
  rows: number;
  rejected?: number;
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

export interface RunContext {
  tenantId: string;
  pipelineId: string;
  runId: string;
  /** Trusted code's `name` or `schema.name` of the dead-letter table, e.g. `public.dead_letters`. */
  deadLetterTable: string;
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
  if (analysis.issues.length > 0) throw new IrCompileError(analysis.issues);
  quoteTrustedQualifiedName(run.deadLetterTable);
  return {
    statements: compileStatements(analysis, run, () => new Parameters()),
  };
}

class Parameters {
  readonly values: unknown[] = [];

  /** The placeholder of a new parameter holding `value`. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
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
      sql: createTableSql(analysis, plan, columns),
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

function createTableSql(
  analysis: Analysis,
  plan: TargetPlan,
  columns: Column[],
): string {
  const lines = columns.map(
    ({ name, type }) => `  ${quoteIdent(name)} ${ddlType(type)}`,
  );
  if (plan.node.mode === 'merge' && plan.node.key)
    lines.push(`  UNIQUE (${identList(plan.node.key)})`);
  return `CREATE TABLE IF NOT EXISTS ${qualifiedName(analysis.catalog.schema, plan.node.table)} (\n${lines.join(',\n')}\n)`;
}

/** Auxiliary CTE names contain ':', which no node id can, so they never clash with a node's CTE. */
function auxName(node: IrNode, suffix: string, analysis: Analysis): string {
  const readable = `${node.id}:${suffix}`;
  // PostgreSQL truncates names beyond 63 bytes; fall back to the node's index to stay unique.
  return quoteIdent(
    readable.length <= 63
      ? readable
      : `#${analysis.indexOf.get(node.id)}:${suffix}`,
  );
}

function identList(names: string[]): string {
  return names.map(quoteIdent).join(', ');
}

/**
 * Indents every line of generated SQL, but never inside a quoted identifier: a catalog column name may contain a
 * newline, and indenting it would rename the column.
 */
function indent(text: string, prefix = '  '): string {
  let quoted = false;
  let result = prefix;
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    result += char === '\n' && !quoted ? `\n${prefix}` : char;
  }
  return result;
}

/**
 * One target's statement: `WITH <node CTEs…>, <write CTEs…> SELECT <result row>`. Values only ever enter the text as
 * `$n` placeholders; identifiers only through {@link quoteIdent}.
 */
class TargetStatement {
  private readonly ctes: string[] = [];
  /** Dead-letter inserts go after every node CTE: a CTE can only reference earlier ones, and they use the gates. */
  private readonly deadLetterNodes: ValidateNode[] = [];
  private readonly failGates: string[];
  private runParameters: [string, string, string] | undefined;

  constructor(
    private readonly analysis: Analysis,
    private readonly plan: TargetPlan,
    private readonly run: RunContext,
    private readonly parameters: Parameters,
  ) {
    this.failGates = plan.chain
      .filter((node) => node.type === 'validate' && node.onFail === 'fail')
      .map(
        (node) =>
          `EXISTS (SELECT 1 FROM ${auxName(node, 'rejected', analysis)})`,
      );
  }

  sql(): string {
    for (const node of this.plan.chain) this.addNode(node);
    for (const node of this.deadLetterNodes) this.addDeadLetters(node);
    const written = this.addWrite();
    const body = this.ctes.join(',\n');
    return `WITH ${body}\n${this.resultSelect(written)}`;
  }

  private cte(name: string, body: string): void {
    this.ctes.push(`${name} AS (\n${indent(body)}\n)`);
  }

  private owns(node: IrNode): boolean {
    return this.analysis.owner.get(node.id) === this.plan.node.id;
  }

  private addNode(node: IrNode): void {
    const name = quoteIdent(node.id);
    switch (node.type) {
      case 'source': {
        const columns = this.analysis.relations.get(node.id)?.columns;
        const list = columns
          ? identList(columns.map((column) => column.name))
          : '*';
        this.cte(
          name,
          `SELECT ${list}\nFROM ${qualifiedName(this.analysis.catalog.schema, node.table)}`,
        );
        return;
      }
      case 'filter': {
        const conditions = node.where
          .map((condition) => this.condition(condition))
          .join('\n  AND ');
        this.cte(
          name,
          `SELECT *\nFROM ${quoteIdent(node.input)}\nWHERE ${conditions}`,
        );
        return;
      }
      case 'select': {
        const list = node.columns.map((column) => {
          let expression = quoteIdent(column.column);
          if (column.cast)
            expression = `CAST(${expression} AS ${CAST_SQL_TYPES[column.cast]})`;
          if (column.fn)
            expression = SELECT_FUNCTIONS_SQL[column.fn].sql(expression);
          const output = column.as ?? column.column;
          return expression === quoteIdent(output)
            ? expression
            : `${expression} AS ${quoteIdent(output)}`;
        });
        this.cte(
          name,
          `SELECT ${list.join(', ')}\nFROM ${quoteIdent(node.input)}`,
        );
        return;
      }
      case 'aggregate': {
        const list = [
          ...node.groupBy.map(quoteIdent),
          ...node.aggregations.map((aggregation) => {
            const argument =
              aggregation.column === undefined
                ? '*'
                : quoteIdent(aggregation.column);
            return `${AGGREGATES_SQL[aggregation.fn].sql(argument)} AS ${quoteIdent(aggregation.as)}`;
          }),
        ];
        const groupBy =
          node.groupBy.length > 0
            ? `\nGROUP BY ${identList(node.groupBy)}`
            : '';
        this.cte(
          name,
          `SELECT ${list.join(', ')}\nFROM ${quoteIdent(node.input)}${groupBy}`,
        );
        return;
      }
      case 'join': {
        const outputs = this.analysis.joinOutputs.get(node.id);
        const list = outputs
          ? outputs.map(({ side, source, name: output }) => {
              const column = `${side === 'left' ? 'l' : 'r'}.${quoteIdent(source)}`;
              return source === output
                ? column
                : `${column} AS ${quoteIdent(output)}`;
            })
          : ['l.*', 'r.*'];
        const on = node.on
          .map(
            (key) => `l.${quoteIdent(key.left)} = r.${quoteIdent(key.right)}`,
          )
          .join(' AND ');
        const join = node.kind === 'left' ? 'LEFT JOIN' : 'INNER JOIN';
        this.cte(
          name,
          `SELECT ${list.join(', ')}\nFROM ${quoteIdent(node.left)} AS l\n${join} ${quoteIdent(node.right)} AS r ON ${on}`,
        );
        return;
      }
      case 'validate':
        this.addValidate(node);
        return;
      case 'target':
        return;
    }
  }

  private condition(condition: Condition): string {
    const column = quoteIdent(condition.column);
    switch (condition.op) {
      case 'is_null':
        return `${column} IS NULL`;
      case 'is_not_null':
        return `${column} IS NOT NULL`;
      case 'in':
        return `${column} = ANY(${this.parameters.add(condition.value)})`;
      case 'not_in':
        return `${column} <> ALL(${this.parameters.add(condition.value)})`;
      case 'like':
        return `${column} LIKE ${this.parameters.add(condition.value)}`;
      case '!=':
        return `${column} <> ${this.parameters.add(condition.value)}`;
      default:
        return `${column} ${condition.op} ${this.parameters.add(condition.value)}`;
    }
  }

  /**
   * `verdict` pairs each input row (as one composite value) with the reasons it fails; passing rows become the
   * node's CTE, failing ones `rejected` (and, for `dlq`, are inserted into the dead-letter table).
   */
  private addValidate(node: ValidateNode): void {
    const verdict = auxName(node, 'verdict', this.analysis);
    const rejected = auxName(node, 'rejected', this.analysis);
    const checks = node.rules.map(
      (rule) =>
        `CASE WHEN ${this.ruleFails(rule)} THEN ${this.parameters.add(ruleReason(rule))}::text END`,
    );
    this.cte(
      verdict,
      `SELECT r.*::record AS "row", array_remove(ARRAY[\n${indent(checks.join(',\n'), '    ')}\n  ], NULL) AS reasons\nFROM ${quoteIdent(node.input)} AS r`,
    );
    this.cte(
      quoteIdent(node.id),
      `SELECT ("row").*\nFROM ${verdict}\nWHERE cardinality(reasons) = 0`,
    );
    this.cte(
      rejected,
      `SELECT "row", reasons\nFROM ${verdict}\nWHERE cardinality(reasons) > 0`,
    );
    if (node.onFail === 'dlq' && this.owns(node))
      this.deadLetterNodes.push(node);
  }

  /** `INSERT INTO <dead-letter table> … FROM <rejected>`, withheld like every write when a fail node rejects rows. */
  private addDeadLetters(node: ValidateNode): void {
    const [tenantId, pipelineId, runId] = this.runIds();
    const nodeId = this.parameters.add(node.id);
    this.cte(
      auxName(node, 'dlq', this.analysis),
      `INSERT INTO ${quoteTrustedQualifiedName(this.run.deadLetterTable)} ("tenant_id", "pipeline_id", "run_id", "node_id", "row", "reason")\n` +
        `SELECT ${tenantId}, ${pipelineId}, ${runId}, ${nodeId}, to_jsonb("row"), array_to_string(reasons, '; ')\n` +
        `FROM ${auxName(node, 'rejected', this.analysis)}${this.gate('WHERE')}`,
    );
  }

  /** A predicate true when the rule rejects the row; NULL passes every check except not_null. */
  private ruleFails(rule: ValidationRule): string {
    const column = `r.${quoteIdent(rule.column)}`;
    switch (rule.check) {
      case 'not_null':
        return `${column} IS NULL`;
      case 'unique':
        return `${column} IS NOT NULL AND count(*) OVER (PARTITION BY ${column}) > 1`;
      case 'range': {
        const bounds: string[] = [];
        if (rule.min !== undefined)
          bounds.push(`${column} < ${this.parameters.add(rule.min)}`);
        if (rule.max !== undefined)
          bounds.push(`${column} > ${this.parameters.add(rule.max)}`);
        return bounds.join(' OR ');
      }
      case 'accepted_values':
        return `${column} <> ALL(${this.parameters.add(rule.values)})`;
      case 'regex':
        return `CAST(${column} AS text) !~ ${this.parameters.add(rule.pattern)}`;
    }
  }

  /** Tenant, pipeline and run id placeholders, shared by every dead-letter insert of the statement. */
  private runIds(): [string, string, string] {
    this.runParameters ??= [
      this.parameters.add(this.run.tenantId),
      this.parameters.add(this.run.pipelineId),
      this.parameters.add(this.run.runId),
    ];
    return this.runParameters;
  }

  /** ` WHERE NOT EXISTS (rejected by a fail node) …`: with a failing validate node the statement writes nothing. */
  private gate(keyword: 'WHERE' | 'AND'): string {
    if (this.failGates.length === 0) return '';
    const indentation = keyword === 'AND' ? '  ' : '';
    return `\n${indentation}${keyword} ${this.failGates.map((gate) => `NOT ${gate}`).join(' AND ')}`;
  }

  /** Adds the target's data-modifying CTEs and returns the name of the one whose RETURNING counts written rows. */
  private addWrite(): string {
    const { node } = this.plan;
    const table = qualifiedName(this.analysis.catalog.schema, node.table);
    const columns = this.analysis.relations.get(node.input)?.columns ?? null;
    const names = columns
      ? identList(columns.map((column) => column.name))
      : '*';
    const into = columns ? ` (${names})` : '';
    const from = `SELECT ${names}\nFROM ${quoteIdent(node.input)}`;
    const write = auxName(node, 'write', this.analysis);

    switch (node.mode) {
      case 'append':
        this.cte(
          write,
          `INSERT INTO ${table}${into}\n${from}${this.gate('WHERE')}\nRETURNING 1`,
        );
        break;
      case 'replace': {
        const deleted = auxName(node, 'delete', this.analysis);
        this.cte(
          deleted,
          `DELETE FROM ${table}${this.gate('WHERE')}\nRETURNING 1`,
        );
        // The scalar subquery runs the DELETE to completion before the first row is inserted, so a unique index
        // on the table sees the old rows gone; both share the statement's snapshot, so the DELETE never sees new rows.
        this.cte(
          write,
          `INSERT INTO ${table}${into}\n${from}\nWHERE (SELECT count(*) FROM ${deleted}) >= 0${this.gate('AND')}\nRETURNING 1`,
        );
        break;
      }
      case 'merge': {
        const key = node.key ?? [];
        const updated = (columns ?? [])
          .map((column) => column.name)
          .filter((name) => !key.includes(name));
        const conflict =
          updated.length === 0
            ? `ON CONFLICT (${identList(key)}) DO NOTHING`
            : `ON CONFLICT (${identList(key)}) DO UPDATE SET ${updated.map((name) => `${quoteIdent(name)} = EXCLUDED.${quoteIdent(name)}`).join(', ')}\n` +
              // Unchanged rows are not rewritten: a re-run is idempotent and reports only real changes.
              `WHERE (${updated.map((name) => `t.${quoteIdent(name)}`).join(', ')}) IS DISTINCT FROM (${updated.map((name) => `EXCLUDED.${quoteIdent(name)}`).join(', ')})`;
        this.cte(
          write,
          `INSERT INTO ${table} AS t${into}\n${from}${this.gate('WHERE')}\n${conflict}\nRETURNING 1`,
        );
        break;
      }
    }
    return write;
  }

  private resultSelect(written: string): string {
    const count = (cte: string): string => `(SELECT count(*) FROM ${cte})`;
    const sum = (ctes: string[]): string =>
      ctes.length > 0 ? ctes.map(count).join(' + ') : 'CAST(0 AS bigint)';
    const owned = this.plan.chain.filter((node) => this.owns(node));
    const read = owned
      .filter((node) => node.type === 'source')
      .map((node) => quoteIdent(node.id));
    const rejected = owned
      .filter((node) => node.type === 'validate')
      .map((node) => auxName(node, 'rejected', this.analysis));
    const failed =
      this.failGates.length > 0 ? this.failGates.join(' OR ') : 'false';
    const metrics = [...this.plan.chain, this.plan.node].map((node) => {
      const rows = count(
        node.type === 'target' ? written : quoteIdent(node.id),
      );
      const extra =
        node.type === 'validate'
          ? `, 'rejected', ${count(auxName(node, 'rejected', this.analysis))}`
          : '';
      return `${this.parameters.add(node.id)}::text, jsonb_build_object('rows', ${rows}${extra})`;
    });
    return [
      'SELECT',
      `  ${sum(read)} AS rows_read,`,
      `  ${count(written)} AS rows_written,`,
      `  ${sum(rejected)} AS rows_rejected,`,
      `  ${failed} AS failed,`,
      `  jsonb_build_object(\n${indent(metrics.join(',\n'), '    ')}\n  ) AS node_metrics`,
    ].join('\n');
  }
}

/** The dead-letter reason for one rule, e.g. `not_null(amount)`; bound as a parameter like every other text. */
function ruleReason(rule: ValidationRule): string {
  return `${rule.check}(${rule.column})`;
}
