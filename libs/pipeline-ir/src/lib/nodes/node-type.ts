import type { IrNode } from '@flow/contracts';

import type { Catalog } from '../catalog';
import type { RunContext } from '../run-context';
import { Fields, type ErrorCollector, type Json } from '../validation/fields';

/** A source column a node's output column carries unchanged (same value, maybe renamed). */
export interface ColumnOrigin {
  /** The source node's id. */
  node: string;
  /** The column of that source. */
  column: string;
}

/**
 * A column of a node's output with its `information_schema`-style type. `origins` lists the source columns whose
 * value it carries unchanged (none after a cast, a function or an aggregate): a dead letter's row key is read
 * through them, so a replay can find the source rows again.
 */
export interface Column {
  name: string;
  type: string;
  origins?: ColumnOrigin[];
}

/**
 * A node's output as the analysis infers it. `columns` is null when it cannot be known (a preview over a missing
 * table). `detail` is what the node type's own compile step needs from its analysis (e.g. a join's column origins).
 */
export interface Relation<Detail = unknown> {
  columns: Column[] | null;
  detail?: Detail;
}

/**
 * What a node type sees while its output is inferred against the catalog. Problems are reported relative to the
 * node's JSON path (`ir.nodes[i]`): `issue('.columns[0]', …)`.
 */
export interface InferContext {
  readonly catalog: Catalog;
  /** `ir.nodes[<index>]` of the node being inferred. */
  readonly path: string;
  /** The output of an upstream node (columns null when unknown). */
  input(id: string): Relation;
  /** The type of `name` in node `id`'s output; unknown columns are reported at `suffix` when the columns are known. */
  columnOf(id: string, name: string, suffix: string): string;
  /** The source columns `name` in node `id`'s output carries unchanged (none when unknown). */
  originsOf(id: string, name: string): ColumnOrigin[];
  /** An error for a run, a warning in a preview. */
  issue(suffix: string, message: string): void;
  /** Information for a preview only (a table the run will create). */
  note(suffix: string, message: string): void;
}

/**
 * The statement a target compiles to, as node types build it: CTEs are appended in call order; values enter the
 * text only through {@link StatementContext.param}, identifiers only quoted.
 */
export interface StatementContext {
  readonly run: RunContext;
  readonly catalog: Catalog;
  /** Set when the target's rows go into this temporary table first, to be written in slices (isolated writes). */
  readonly stage?: StageTable;
  /** Appends `name AS (body)`; `name` is already quoted. */
  cte(name: string, body: string): void;
  /** The quoted name of an auxiliary CTE of `node` (`"v:rejected"`): ':' keeps it apart from every node id. */
  aux(node: IrNode, suffix: string): string;
  /** The placeholder (`$n`) of a new bind parameter holding `value`. */
  param(value: unknown): string;
  /** `"<tenant schema>"."<table>"`. */
  table(name: string): string;
  /** The analysed output columns of node `id` (null when unknown). */
  columns(id: string): Column[] | null;
  /** This statement counts the node's metrics (it is the first statement whose chain contains the node). */
  owns(node: IrNode): boolean;
  /** Runs `addCtes` after every node CTE of the chain and before the target's write (dead-letter inserts). */
  defer(addCtes: () => void): void;
  /** ` WHERE NOT …` / `\n  AND NOT …` guarding a write: empty unless a fail gate exists in the chain. */
  gate(keyword: 'WHERE' | 'AND'): string;
  /** Placeholders of the run's tenant, pipeline and run ids, bound once per statement. */
  runIds(): readonly [tenantId: string, pipelineId: string, runId: string];
  /** The key columns of a source node (declared, or the merge target's), if any. */
  keyOf(sourceId: string): string[] | undefined;
  /**
   * A `jsonb` expression of a dead letter's row key: `{"<source id>": {"<key column>": value, …}, …}` for every
   * keyed source whose key the row carries (see {@link Column.origins}), read from `row` (e.g. `("row")` or `s`);
   * `NULL` when it carries none.
   */
  rowKey(columns: Column[] | null, row: string): string;
}

/** A temporary table holding a target's input rows, numbered by `ordinal` (1…n), so they can be written in slices. */
export interface StageTable {
  /** `pg_temp."…"`, quoted. */
  name: string;
  /** The row-number column's name (distinct from every input column's). */
  ordinal: string;
}

/** A node's role in the DAG: sources read rows (and count `rows_read`), targets write them and produce none. */
export type NodeRole = 'source' | 'transform' | 'target';

/**
 * Everything the IR knows about one node type: its fields and their validation, its inputs, its output's inference
 * against the catalog and its SQL. One file per node type implements it; `NODE_TYPES` registers them.
 */
export interface NodeType<N extends IrNode, Detail = undefined> {
  role: NodeRole;
  /** The fields a node of this type may have (`id` and `type` included); any other is an "unknown field". */
  fields: readonly string[];
  /** Structural checks of the node's own fields (no catalog); references to other nodes through `node.ref()`. */
  validate(node: NodeFields): void;
  /** The ids of the nodes it reads from, in field order. */
  inputs(node: N): string[];
  /** Its output columns and types; unknown tables and columns are issues. Runs in topological order. */
  infer(node: N, context: InferContext): Relation<Detail>;
  /** Adds its CTE(s) to a target's statement. */
  compile(
    node: N,
    statement: StatementContext,
    relation: Relation<Detail>,
  ): void;
  /** The CTE whose rows are the node's `node_metrics.rows` (default: the CTE named after the node). */
  output?(node: N, statement: StatementContext): string;
  /** The CTE of the rows it rejected (`rows_rejected`, `node_metrics.rejected`). */
  rejected?(node: N, statement: StatementContext): string;
  /** A predicate true when the statement must write nothing (evaluated before any CTE is added). */
  failGate?(node: N, statement: StatementContext): string | undefined;
  /**
   * Its output rows combine several input rows (an aggregate): a replay restricted to some source rows must read
   * whole groups, so each upstream source's key must reach its output.
   */
  combinesRows?: boolean;
  /** Why a replay (a run over some source rows only) cannot pass through this node, if it cannot. */
  replayIssue?(node: N): string | undefined;
  /** It writes dead letters (rejected rows), so their rows must carry the upstream sources' keys for a replay. */
  deadLetters?(node: N): boolean;
}

/** A node's reference to another node (an `input`, a join side), for the graph checks. */
export interface NodeRef {
  index: number;
  path: string;
  target: string;
}

/** The fields of one IR node under validation; {@link NodeFields.ref} also records the edge it names. */
export class NodeFields extends Fields {
  readonly refs: NodeRef[] = [];

  constructor(
    value: Json,
    path: string,
    errors: ErrorCollector,
    readonly index: number,
  ) {
    super(value, path, errors);
  }

  /** A required field naming another node. */
  ref(key: string): string | undefined {
    const target = this.identifier(key);
    if (target !== undefined)
      this.refs.push({ index: this.index, path: this.at(key), target });
    return target;
  }
}
