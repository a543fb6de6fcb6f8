import type { Schedule } from './schedule';

/**
 * IR v1 (DESIGN §7): a pipeline as a small DAG. No raw SQL anywhere: identifiers are validated and quoted,
 * values become bind parameters.
 */
export interface PipelineIr {
  version: 1;
  schedule?: Schedule | null;
  nodes: IrNode[];
}

export type IrNode =
  | SourceNode
  | FilterNode
  | SelectNode
  | AggregateNode
  | JoinNode
  | ValidateNode
  | TargetNode;
export type IrNodeType = IrNode['type'];
export const IR_NODE_TYPES: readonly IrNodeType[] = [
  'source',
  'filter',
  'select',
  'aggregate',
  'join',
  'validate',
  'target',
];

export type ScalarValue = string | number | boolean | null;

export interface SourceNode {
  id: string;
  type: 'source';
  /** A table in the tenant's own schema. */
  table: string;
  /** Columns to read; all columns when omitted. */
  columns?: string[];
}

export type ComparisonOp =
  | '='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'in'
  | 'not_in'
  | 'is_null'
  | 'is_not_null'
  | 'like';

export interface Condition {
  column: string;
  op: ComparisonOp;
  /** A scalar, or an array for `in` / `not_in`; absent for the null checks. */
  value?: ScalarValue | ScalarValue[];
}

export interface FilterNode {
  id: string;
  type: 'filter';
  input: string;
  /** Conditions combined with AND. */
  where: Condition[];
}

export type CastType =
  | 'text'
  | 'integer'
  | 'bigint'
  | 'numeric'
  | 'double'
  | 'boolean'
  | 'date'
  | 'timestamptz';
export type SelectFunction =
  | 'lower'
  | 'upper'
  | 'trim'
  | 'abs'
  | 'round'
  | 'date'
  | 'length';

/** Compiles to `fn(CAST(column AS cast))`: the cast (if any) is applied first, then the function. */
export interface SelectColumn {
  column: string;
  /** Output name; defaults to `column`. */
  as?: string;
  fn?: SelectFunction;
  cast?: CastType;
}

export interface SelectNode {
  id: string;
  type: 'select';
  input: string;
  columns: SelectColumn[];
}

export type AggregateFunction =
  | 'count'
  | 'sum'
  | 'min'
  | 'max'
  | 'avg'
  | 'count_distinct';

export interface Aggregation {
  fn: AggregateFunction;
  /** Omitted only for `count` (count of rows). */
  column?: string;
  as: string;
}

export interface AggregateNode {
  id: string;
  type: 'aggregate';
  input: string;
  groupBy: string[];
  aggregations: Aggregation[];
}

export interface JoinKey {
  left: string;
  right: string;
}

/**
 * Output: the left input's columns, then the right input's, each renamed `<rightPrefix><name>` when `rightPrefix` is
 * set. A right key column whose output name equals the left key it is paired with is dropped (same value); any
 * other name present on both sides is a compile error.
 */
export interface JoinNode {
  id: string;
  type: 'join';
  left: string;
  right: string;
  kind: 'inner' | 'left';
  on: JoinKey[];
  /** Prefix for every column of the right input, e.g. `customer_`; must itself match the identifier pattern. */
  rightPrefix?: string;
}

export type ValidationCheck =
  | 'not_null'
  | 'unique'
  | 'range'
  | 'accepted_values'
  | 'regex';

export interface ValidationRule {
  column: string;
  check: ValidationCheck;
  /** range */
  min?: number;
  max?: number;
  /** accepted_values */
  values?: ScalarValue[];
  /** regex (PostgreSQL POSIX syntax) */
  pattern?: string;
}

export interface ValidateNode {
  id: string;
  type: 'validate';
  input: string;
  rules: ValidationRule[];
  /** `dlq`: rejected rows go to dead_letters and the run goes on; `fail`: any rejected row fails the run. */
  onFail: 'dlq' | 'fail';
}

export type TargetMode = 'append' | 'replace' | 'merge';

export interface TargetNode {
  id: string;
  type: 'target';
  input: string;
  table: string;
  mode: TargetMode;
  /** Required for `merge`: the columns that identify a row. */
  key?: string[];
}
