import type { FieldError } from '@flow/contracts';

/** The IR document is malformed; `details` name each offending JSON path (ready for a 400 body). */
export class IrValidationError extends Error {
  constructor(readonly details: FieldError[]) {
    super(summarize('invalid pipeline IR', details));
    this.name = 'IrValidationError';
  }
}

/** The IR is well formed but does not fit the tenant's tables (unknown table or column, join clash, …). */
export class IrCompileError extends Error {
  constructor(readonly details: FieldError[]) {
    super(summarize('pipeline IR does not compile', details));
    this.name = 'IrCompileError';
  }
}

function summarize(prefix: string, details: FieldError[]): string {
  const first = details[0];
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : '';
  return first ? `${prefix}: ${first.path}: ${first.message}${more}` : prefix;
}
