import type { FieldError } from '@flow/contracts';

/** A request that breaks a rule of the domain; the global filter answers 400 with every offending field. */
export class ValidationFailedError extends Error {
  constructor(readonly details: FieldError[]) {
    super(
      details.length > 0
        ? `${details[0].path}: ${details[0].message}`
        : 'Invalid request',
    );
    this.name = 'ValidationFailedError';
  }
}

/** The database could not be reached; answered as 503 so callers retry instead of counting a crash. */
export class DatabaseUnavailableError extends Error {
  constructor(cause: unknown) {
    super('Database unavailable', { cause });
    this.name = 'DatabaseUnavailableError';
  }
}
