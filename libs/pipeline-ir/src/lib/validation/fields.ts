import type { FieldError } from '@flow/contracts';

import { IDENTIFIER_RULE, isIdentifier } from '../identifiers';

/** Size limits: a hostile payload is rejected with a message instead of costing time or memory. */
export const IR_LIMITS = {
  maxNodes: 200,
  maxListValues: 1_000,
  maxStringLength: 1_000,
  maxColumns: 500,
  maxConditions: 100,
  maxRules: 100,
  maxJoinKeys: 32,
  maxErrors: 100,
} as const;

export type Json = Record<string, unknown>;

/** Thrown once {@link IR_LIMITS.maxErrors} are collected: validation stops there. */
export class TooManyErrors extends Error {}

export class ErrorCollector {
  readonly errors: FieldError[] = [];

  add(path: string, message: string): void {
    if (this.errors.length >= IR_LIMITS.maxErrors) {
      this.errors.push({
        path,
        message: `too many errors; only the first ${IR_LIMITS.maxErrors} are reported`,
      });
      throw new TooManyErrors();
    }
    this.errors.push({ path, message });
  }
}

/** Runs `check` with a fresh collector and returns what it reported (at most {@link IR_LIMITS.maxErrors} + 1). */
export function collectErrors(
  check: (errors: ErrorCollector) => void,
): FieldError[] {
  const collector = new ErrorCollector();
  try {
    check(collector);
  } catch (error) {
    if (!(error instanceof TooManyErrors)) throw error;
  }
  return collector.errors;
}

/**
 * One JSON object under validation at `path`: typed readers of its fields that report each problem at
 * `<path>.<field>` and return the valid value (or undefined). Node types validate their fields through it.
 */
export class Fields {
  constructor(
    readonly value: Json,
    readonly path: string,
    readonly errors: ErrorCollector,
  ) {}

  /** `value` as an object whose fields must be among `allowed`; reports "must be an object" otherwise. */
  static of(
    value: unknown,
    path: string,
    allowed: readonly string[],
    errors: ErrorCollector,
  ): Fields | undefined {
    if (!isObject(value)) {
      errors.add(path, 'must be an object');
      return undefined;
    }
    rejectUnknownFields(value, path, allowed, errors);
    return new Fields(value, path, errors);
  }

  has(key: string): boolean {
    return has(this.value, key);
  }

  get(key: string): unknown {
    return this.value[key];
  }

  /** The JSON path of a field. */
  at(key: string): string {
    return `${this.path}.${key}`;
  }

  /** Reports a problem at a field, or at the object itself when `key` is undefined. */
  error(key: string | undefined, message: string): void {
    this.errors.add(key === undefined ? this.path : this.at(key), message);
  }

  /** A nested object (a list item, a join key) checked the same way. */
  object(
    value: unknown,
    path: string,
    allowed: readonly string[],
  ): Fields | undefined {
    return Fields.of(value, path, allowed, this.errors);
  }

  /** A required identifier field. */
  identifier(key: string): string | undefined {
    if (!this.has(key)) {
      this.error(key, 'is required');
      return undefined;
    }
    return checkIdentifier(this.get(key), this.at(key), this.errors);
  }

  /** A required array with at most `max` items (non-empty unless `allowEmpty`); returns it even when empty. */
  array(
    key: string,
    options: { max: number; noun: string; allowEmpty?: boolean },
  ): unknown[] | undefined {
    if (!this.has(key)) {
      this.error(key, 'is required');
      return undefined;
    }
    const value = this.get(key);
    if (!Array.isArray(value)) {
      this.error(key, 'must be an array');
      return undefined;
    }
    if (value.length > options.max) {
      this.error(key, `must have at most ${options.max} ${options.noun}`);
      return undefined;
    }
    if (value.length === 0 && !options.allowEmpty) {
      this.error(key, 'must not be empty');
    }
    return value;
  }

  /** A required array of distinct identifiers (non-empty unless allowed); returns the valid ones. */
  identifierList(
    key: string,
    options: { allowEmpty: boolean },
  ): string[] | undefined {
    const list = this.array(key, {
      max: IR_LIMITS.maxColumns,
      noun: 'columns',
      allowEmpty: options.allowEmpty,
    });
    if (!list) return undefined;
    const seen = new Set<string>();
    list.forEach((item, i) => {
      const itemPath = `${this.at(key)}[${i}]`;
      const name = checkIdentifier(item, itemPath, this.errors);
      if (name === undefined) return;
      if (seen.has(name))
        this.errors.add(itemPath, `duplicate column "${name}"`);
      seen.add(name);
    });
    return [...seen];
  }

  /** A required field whose value is one of `values`. */
  oneOf<T extends string>(key: string, values: readonly T[]): T | undefined {
    if (!this.has(key)) {
      this.error(key, 'is required');
      return undefined;
    }
    const value = this.get(key);
    if ((values as readonly unknown[]).includes(value)) return value as T;
    this.error(key, oneOf(values));
    return undefined;
  }

  finiteNumber(key: string): number | undefined {
    return checkFiniteNumber(this.get(key), this.at(key), this.errors);
  }

  /** A non-null scalar: a string (bounded, no NUL), a finite number or a boolean. */
  scalar(key: string): boolean {
    return checkScalar(this.get(key), this.at(key), this.errors);
  }

  /** A string value already known to be a string: bounded, no NUL. */
  string(key: string): boolean {
    return checkString(this.get(key) as string, this.at(key), this.errors);
  }

  /** A non-empty list of non-null scalars of one type (bound as one typed PostgreSQL array). */
  valueList(key: string): void {
    checkValueList(this.get(key), this.at(key), this.errors);
  }
}

function checkValueList(
  value: unknown,
  path: string,
  errors: ErrorCollector,
): void {
  if (!Array.isArray(value)) {
    errors.add(path, 'must be an array');
    return;
  }
  if (value.length === 0) errors.add(path, 'must not be empty');
  if (value.length > IR_LIMITS.maxListValues) {
    errors.add(path, `must have at most ${IR_LIMITS.maxListValues} values`);
    return;
  }
  // One element type per list: the list is bound as one typed PostgreSQL array.
  const firstType = value.length > 0 ? typeof value[0] : undefined;
  value.forEach((item, i) => {
    const itemPath = `${path}[${i}]`;
    if (item === null)
      errors.add(
        itemPath,
        'must not be null; lists hold strings, numbers or booleans',
      );
    else if (checkScalar(item, itemPath, errors) && typeof item !== firstType) {
      errors.add(
        itemPath,
        `must have the same type as ${path}[0] (${firstType})`,
      );
    }
  });
}

function checkScalar(
  value: unknown,
  path: string,
  errors: ErrorCollector,
): boolean {
  if (typeof value === 'string') return checkString(value, path, errors);
  if (typeof value === 'number')
    return checkFiniteNumber(value, path, errors) !== undefined;
  if (typeof value === 'boolean') return true;
  errors.add(path, 'must be a string, number or boolean');
  return false;
}

function checkString(
  value: string,
  path: string,
  errors: ErrorCollector,
): boolean {
  if (value.length > IR_LIMITS.maxStringLength) {
    errors.add(path, `must be at most ${IR_LIMITS.maxStringLength} characters`);
    return false;
  }
  if (value.includes('\u0000')) {
    errors.add(path, 'must not contain NUL characters');
    return false;
  }
  return true;
}

function checkFiniteNumber(
  value: unknown,
  path: string,
  errors: ErrorCollector,
): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  errors.add(path, 'must be a finite number');
  return undefined;
}

function checkIdentifier(
  value: unknown,
  path: string,
  errors: ErrorCollector,
): string | undefined {
  if (typeof value !== 'string') errors.add(path, 'must be a string');
  else if (!isIdentifier(value)) errors.add(path, IDENTIFIER_RULE);
  else return value;
  return undefined;
}

export function rejectUnknownFields(
  value: Json,
  path: string,
  allowed: readonly string[],
  errors: ErrorCollector,
): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      errors.add(fieldPath(path, key), 'unknown field');
  }
}

/** `path.key` for plain keys; a hostile key is shown JSON-quoted and shortened so the message stays small. */
function fieldPath(path: string, key: string): string {
  if (/^[A-Za-z_$][A-Za-z0-9_$]{0,62}$/.test(key)) return `${path}.${key}`;
  const shown = key.length > 40 ? `${key.slice(0, 40)}…` : key;
  return `${path}[${JSON.stringify(shown)}]`;
}

export function oneOf(values: readonly unknown[]): string {
  return `must be one of ${values.join(', ')}`;
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own property (never one inherited from Object.prototype, such as `constructor`). */
export function has(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}
