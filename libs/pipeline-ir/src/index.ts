export type { Catalog, CatalogColumn, CatalogTable } from './lib/catalog';
export {
  compilePreview,
  compileRun,
  type CompiledRun,
  type CompiledSql,
  type IsolatedWrite,
  type CompiledStatement,
  type NodeMetrics,
  type PreviewColumn,
  type SqlPreview,
  type TargetResultRow,
} from './lib/compile';
export { IrCompileError, IrValidationError } from './lib/errors';
export {
  IDENTIFIER_PATTERN,
  isIdentifier,
  quoteIdent,
  quoteTrustedQualifiedName,
} from './lib/identifiers';
export { CAST_SQL_TYPES } from './lib/sql-types';
export {
  filePatternBase,
  filePatternMatcher,
  filePatternProblem,
  RESERVED_LANDING_DIRS,
} from './lib/file-pattern';
export { AGGREGATE_FUNCTIONS } from './lib/nodes/aggregate';
export { FILE_FORMATS, fileStageTable } from './lib/nodes/file';
export { COMPARISON_OPS } from './lib/nodes/filter';
export { JOIN_KINDS } from './lib/nodes/join';
export type { NodeRole } from './lib/nodes/node-type';
export {
  describeNodeType,
  NODE_TYPE_NAMES,
  nodeInputs,
} from './lib/nodes/registry';
export { CAST_TYPES, SELECT_FUNCTIONS } from './lib/nodes/select';
export { TARGET_MODES } from './lib/nodes/target';
export { ON_FAIL, VALIDATION_CHECKS } from './lib/nodes/validate';
export { planReplay, type ReplayPlan } from './lib/replay-plan';
export type { RunContext } from './lib/run-context';
export { IR_LIMITS } from './lib/validation/fields';
export { triggeredFileNode } from './lib/validation/trigger';
export { assertValidIr, validateIr, validateNode } from './lib/validate-ir';
