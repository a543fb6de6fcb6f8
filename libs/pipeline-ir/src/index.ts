export type { Catalog, CatalogColumn, CatalogTable } from './lib/catalog';
export {
  compilePreview,
  compileRun,
  type CompiledRun,
  type CompiledStatement,
  type NodeMetrics,
  type PreviewColumn,
  type RunContext,
  type SqlPreview,
  type TargetResultRow,
} from './lib/compile';
export { IrCompileError, IrValidationError } from './lib/errors';
export {
  IDENTIFIER_PATTERN,
  isIdentifier,
  quoteIdent,
} from './lib/identifiers';
export { assertValidIr, IR_LIMITS, validateIr } from './lib/validate-ir';
