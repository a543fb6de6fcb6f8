import type { IrNode } from '@flow/contracts';

import { keyColumnsIn, type Analysis, type TargetPlan } from './analyze-ir';
import { qualifiedName, quoteIdent } from './identifiers';
import type { Column, StageTable, StatementContext } from './nodes/node-type';
import { nodeTypeOf } from './nodes/registry';
import type { RunContext } from './run-context';
import { indent } from './sql-text';

/** The bind parameters of one statement (`$1` is `values[0]`); a preview shares one across all statements. */
export class Parameters {
  readonly values: unknown[] = [];

  /** The placeholder of a new parameter holding `value`. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * One target's statement: `WITH <node CTEs…>, <deferred CTEs…>, <write CTEs…> SELECT <result row>`. Each node
 * type adds its own CTEs; values only ever enter the text as `$n` placeholders, identifiers only through
 * {@link quoteIdent}.
 */
export class TargetStatement implements StatementContext {
  private readonly ctes: string[] = [];
  /** Added after every node CTE: a CTE can only reference earlier ones (dead-letter inserts use the gates). */
  private readonly deferred: (() => void)[] = [];
  private readonly failGates: string[];
  private runParameters: [string, string, string] | undefined;

  constructor(
    private readonly analysis: Analysis,
    private readonly plan: TargetPlan,
    readonly run: RunContext,
    private readonly parameters: Parameters,
    readonly stage?: StageTable,
  ) {
    this.failGates = plan.chain.flatMap(
      (node) => nodeTypeOf(node).failGate?.(node, this) ?? [],
    );
  }

  get catalog() {
    return this.analysis.catalog;
  }

  /** The statement: node CTEs, deferred CTEs, the target's write (or its stage's fill), the result row. */
  sql(): string {
    for (const node of this.plan.chain) this.compileNode(node);
    for (const addCtes of this.deferred) addCtes();
    this.compileNode(this.plan.node);
    const body = this.ctes.join(',\n');
    return `WITH ${body}\n${this.resultSelect()}`;
  }

  /**
   * `CREATE TEMP TABLE <stage> AS WITH <node CTEs> SELECT <input columns>, <ordinal> … WITH NO DATA`: the stage
   * gets exactly the types of the target's input (planned, not executed; nothing is written).
   */
  stageTableSql(stage: StageTable): string {
    for (const node of this.plan.chain) this.compileNode(node);
    const columns = this.columns(this.plan.node.input) ?? [];
    const list = [
      ...columns.map((column) => quoteIdent(column.name)),
      `CAST(0 AS bigint) AS ${quoteIdent(stage.ordinal)}`,
    ];
    return (
      `CREATE TEMPORARY TABLE ${stage.name} ON COMMIT DROP AS\n` +
      `WITH ${this.ctes.join(',\n')}\n` +
      `SELECT ${list.join(', ')}\nFROM ${quoteIdent(this.plan.node.input)}\nWITH NO DATA`
    );
  }

  cte(name: string, body: string): void {
    this.ctes.push(`${name} AS (\n${indent(body)}\n)`);
  }

  aux(node: IrNode, suffix: string): string {
    const readable = `${node.id}:${suffix}`;
    // PostgreSQL truncates names beyond 63 bytes; fall back to the node's index to stay unique.
    return quoteIdent(
      readable.length <= 63
        ? readable
        : `#${this.analysis.indexOf.get(node.id)}:${suffix}`,
    );
  }

  param(value: unknown): string {
    return this.parameters.add(value);
  }

  table(name: string): string {
    return qualifiedName(this.analysis.catalog.schema, name);
  }

  columns(id: string): Column[] | null {
    return this.analysis.relations.get(id)?.columns ?? null;
  }

  owns(node: IrNode): boolean {
    return this.analysis.owner.get(node.id) === this.plan.node.id;
  }

  defer(addCtes: () => void): void {
    this.deferred.push(addCtes);
  }

  gate(keyword: 'WHERE' | 'AND'): string {
    if (this.failGates.length === 0) return '';
    const indentation = keyword === 'AND' ? '  ' : '';
    return `\n${indentation}${keyword} ${this.failGates.map((gate) => `NOT ${gate}`).join(' AND ')}`;
  }

  runIds(): [string, string, string] {
    this.runParameters ??= [
      this.param(this.run.tenantId),
      this.param(this.run.pipelineId),
      this.param(this.run.runId),
    ];
    return this.runParameters;
  }

  keyOf(sourceId: string): string[] | undefined {
    return this.analysis.keys.get(sourceId);
  }

  rowKey(columns: Column[] | null, row: string): string {
    const entries: string[] = [];
    for (const [source, key] of this.analysis.keys) {
      const carried = keyColumnsIn(columns, source, key);
      if (!carried) continue;
      const name = this.param(source);
      const values = key.map(
        (keyColumn, i) =>
          `${this.param(keyColumn)}::text, ${row}.${quoteIdent(carried[i])}`,
      );
      entries.push(`${name}::text, jsonb_build_object(${values.join(', ')})`);
    }
    return entries.length > 0
      ? `jsonb_build_object(${entries.join(', ')})`
      : 'CAST(NULL AS jsonb)';
  }

  private compileNode(node: IrNode): void {
    nodeTypeOf(node).compile(
      node,
      this,
      this.analysis.relations.get(node.id) ?? { columns: null },
    );
  }

  /** The CTE counted as the node's rows: its own, or what its type names (a target's write). */
  private output(node: IrNode): string {
    return nodeTypeOf(node).output?.(node, this) ?? quoteIdent(node.id);
  }

  private resultSelect(): string {
    const count = (cte: string): string => `(SELECT count(*) FROM ${cte})`;
    const sum = (ctes: string[]): string =>
      ctes.length > 0 ? ctes.map(count).join(' + ') : 'CAST(0 AS bigint)';
    const rejectedOf = (node: IrNode): string | undefined =>
      nodeTypeOf(node).rejected?.(node, this);
    const owned = this.plan.chain.filter((node) => this.owns(node));
    const read = owned
      .filter((node) => nodeTypeOf(node).role === 'source')
      .map((node) => this.output(node));
    const rejected = owned.flatMap((node) => rejectedOf(node) ?? []);
    const failed =
      this.failGates.length > 0 ? this.failGates.join(' OR ') : 'false';
    const metrics = [...this.plan.chain, this.plan.node].map((node) => {
      const nodeRejected = rejectedOf(node);
      const extra =
        nodeRejected === undefined
          ? ''
          : `, 'rejected', ${count(nodeRejected)}`;
      return `${this.param(node.id)}::text, jsonb_build_object('rows', ${count(this.output(node))}${extra})`;
    });
    return [
      'SELECT',
      `  ${sum(read)} AS rows_read,`,
      `  ${count(this.output(this.plan.node))} AS rows_written,`,
      `  ${sum(rejected)} AS rows_rejected,`,
      `  ${failed} AS failed,`,
      `  jsonb_build_object(\n${indent(metrics.join(',\n'), '    ')}\n  ) AS node_metrics`,
    ].join('\n');
  }
}
