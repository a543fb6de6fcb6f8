import type { FieldError, IrNodeType, PipelineIr } from '@flow/contracts';
import { IR_NODE_TYPES } from '@flow/contracts';
import { validateSchedule } from '@flow/schedule';

import { IrValidationError } from './errors';
import { IDENTIFIER_RULE, isIdentifier } from './identifiers';

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

export const COMPARISON_OPS = [
  '=',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'in',
  'not_in',
  'is_null',
  'is_not_null',
  'like',
] as const;
export const SELECT_FUNCTIONS = [
  'lower',
  'upper',
  'trim',
  'abs',
  'round',
  'date',
  'length',
] as const;
export const CAST_TYPES = [
  'text',
  'integer',
  'bigint',
  'numeric',
  'double',
  'boolean',
  'date',
  'timestamptz',
] as const;
export const AGGREGATE_FUNCTIONS = [
  'count',
  'sum',
  'min',
  'max',
  'avg',
  'count_distinct',
] as const;
export const JOIN_KINDS = ['inner', 'left'] as const;
export const VALIDATION_CHECKS = [
  'not_null',
  'unique',
  'range',
  'accepted_values',
  'regex',
] as const;
export const ON_FAIL = ['dlq', 'fail'] as const;
export const TARGET_MODES = ['append', 'replace', 'merge'] as const;

const NODE_FIELDS: Record<IrNodeType, readonly string[]> = {
  source: ['id', 'type', 'table', 'columns'],
  filter: ['id', 'type', 'input', 'where'],
  select: ['id', 'type', 'input', 'columns'],
  aggregate: ['id', 'type', 'input', 'groupBy', 'aggregations'],
  join: ['id', 'type', 'left', 'right', 'kind', 'on', 'rightPrefix'],
  validate: ['id', 'type', 'input', 'rules', 'onFail'],
  target: ['id', 'type', 'input', 'table', 'mode', 'key'],
};

const RULE_FIELDS: Record<
  (typeof VALIDATION_CHECKS)[number],
  readonly string[]
> = {
  not_null: ['column', 'check'],
  unique: ['column', 'check'],
  range: ['column', 'check', 'min', 'max'],
  accepted_values: ['column', 'check', 'values'],
  regex: ['column', 'check', 'pattern'],
};
const ALL_RULE_FIELDS = ['column', 'check', 'min', 'max', 'values', 'pattern'];

type Json = Record<string, unknown>;

class TooManyErrors extends Error {}

class ErrorCollector {
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

/** A node's references to other nodes, for the graph checks. */
interface NodeRef {
  index: number;
  path: string;
  target: string;
}

interface NodeSummary {
  index: number;
  id: string | undefined;
  type: IrNodeType | undefined;
  refs: NodeRef[];
}

/**
 * Structural validation of an IR v1 document (DESIGN §7). Returns one error per problem, each with the JSON path
 * under `path` (e.g. `ir.nodes[2].where[0].op`); an empty array means `input` is a valid {@link PipelineIr}.
 * Tables and columns are not checked against a database here: that is the compiler's job.
 */
export function validateIr(input: unknown, path = 'ir'): FieldError[] {
  const collector = new ErrorCollector();
  try {
    validateDocument(input, path, collector);
  } catch (error) {
    if (!(error instanceof TooManyErrors)) throw error;
  }
  return collector.errors;
}

/** {@link validateIr} that returns the typed IR or throws an {@link IrValidationError} carrying every problem. */
export function assertValidIr(input: unknown, path = 'ir'): PipelineIr {
  const details = validateIr(input, path);
  if (details.length > 0) throw new IrValidationError(details);
  return input as PipelineIr;
}

function validateDocument(
  input: unknown,
  path: string,
  errors: ErrorCollector,
): void {
  const doc = asObject(input, path, ['version', 'schedule', 'nodes'], errors);
  if (!doc) return;

  if (!has(doc, 'version')) errors.add(`${path}.version`, 'is required');
  else if (doc['version'] !== 1) errors.add(`${path}.version`, 'must be 1');

  if (
    has(doc, 'schedule') &&
    doc['schedule'] !== null &&
    doc['schedule'] !== undefined
  ) {
    for (const error of validateSchedule(doc['schedule'], `${path}.schedule`))
      errors.add(error.path, error.message);
  }

  const nodesPath = `${path}.nodes`;
  const nodes = requireArray(doc, 'nodes', path, errors, {
    max: IR_LIMITS.maxNodes,
    noun: 'nodes',
    allowEmpty: true,
  });
  if (!nodes) return;
  const summaries = nodes.map((node, index) =>
    validateNode(node, index, `${nodesPath}[${index}]`, errors),
  );
  validateGraph(summaries, nodesPath, errors);
}

function validateNode(
  input: unknown,
  index: number,
  path: string,
  errors: ErrorCollector,
): NodeSummary {
  const summary: NodeSummary = {
    index,
    id: undefined,
    type: undefined,
    refs: [],
  };
  if (!isObject(input)) {
    errors.add(path, 'must be an object');
    return summary;
  }
  const type = input['type'];
  const knownType = (IR_NODE_TYPES as readonly unknown[]).includes(type)
    ? (type as IrNodeType)
    : undefined;
  if (knownType)
    rejectUnknownFields(input, path, NODE_FIELDS[knownType], errors);

  summary.id = requireIdentifier(input, 'id', path, errors);
  if (!has(input, 'type')) errors.add(`${path}.type`, 'is required');
  else if (!knownType) errors.add(`${path}.type`, oneOf(IR_NODE_TYPES));
  summary.type = knownType;

  const ref = (field: string): void => {
    const target = requireIdentifier(input, field, path, errors);
    if (target !== undefined)
      summary.refs.push({ index, path: `${path}.${field}`, target });
  };

  switch (knownType) {
    case 'source':
      requireIdentifier(input, 'table', path, errors);
      if (has(input, 'columns'))
        identifierList(input, 'columns', path, errors, { allowEmpty: false });
      break;
    case 'filter': {
      ref('input');
      const where = requireArray(input, 'where', path, errors, {
        max: IR_LIMITS.maxConditions,
        noun: 'conditions',
      });
      where?.forEach((condition, i) =>
        validateCondition(condition, `${path}.where[${i}]`, errors),
      );
      break;
    }
    case 'select':
      ref('input');
      validateSelectColumns(input, path, errors);
      break;
    case 'aggregate':
      ref('input');
      validateAggregate(input, path, errors);
      break;
    case 'join': {
      ref('left');
      ref('right');
      requireOneOf(input, 'kind', path, JOIN_KINDS, errors);
      const on = requireArray(input, 'on', path, errors, {
        max: IR_LIMITS.maxJoinKeys,
        noun: 'keys',
      });
      on?.forEach((key, i) => {
        const keyPath = `${path}.on[${i}]`;
        const pair = asObject(key, keyPath, ['left', 'right'], errors);
        if (pair) {
          requireIdentifier(pair, 'left', keyPath, errors);
          requireIdentifier(pair, 'right', keyPath, errors);
        }
      });
      if (has(input, 'rightPrefix'))
        requireIdentifier(input, 'rightPrefix', path, errors);
      break;
    }
    case 'validate': {
      ref('input');
      const rules = requireArray(input, 'rules', path, errors, {
        max: IR_LIMITS.maxRules,
        noun: 'rules',
      });
      rules?.forEach((rule, i) =>
        validateRule(rule, `${path}.rules[${i}]`, errors),
      );
      requireOneOf(input, 'onFail', path, ON_FAIL, errors);
      break;
    }
    case 'target': {
      ref('input');
      requireIdentifier(input, 'table', path, errors);
      const mode = requireOneOf(input, 'mode', path, TARGET_MODES, errors);
      if (mode === 'merge') {
        if (!has(input, 'key'))
          errors.add(`${path}.key`, 'is required for mode "merge"');
        else identifierList(input, 'key', path, errors, { allowEmpty: false });
      } else if (mode !== undefined && has(input, 'key')) {
        errors.add(`${path}.key`, 'is only allowed for mode "merge"');
      }
      break;
    }
    case undefined:
      break;
  }
  return summary;
}

function validateCondition(
  input: unknown,
  path: string,
  errors: ErrorCollector,
): void {
  const condition = asObject(input, path, ['column', 'op', 'value'], errors);
  if (!condition) return;
  requireIdentifier(condition, 'column', path, errors);
  const op = requireOneOf(condition, 'op', path, COMPARISON_OPS, errors);
  if (op === undefined) return;
  const valuePath = `${path}.value`;
  const value = condition['value'];
  switch (op) {
    case 'is_null':
    case 'is_not_null':
      if (has(condition, 'value'))
        errors.add(valuePath, `must be absent for op "${op}"`);
      break;
    case 'in':
    case 'not_in':
      if (!has(condition, 'value'))
        errors.add(valuePath, `is required for op "${op}"`);
      else checkValueList(value, valuePath, errors);
      break;
    case 'like':
      if (!has(condition, 'value'))
        errors.add(valuePath, `is required for op "${op}"`);
      else if (typeof value !== 'string')
        errors.add(valuePath, 'must be a string for op "like"');
      else checkString(value, valuePath, errors);
      break;
    default:
      if (!has(condition, 'value'))
        errors.add(valuePath, `is required for op "${op}"`);
      else if (value === null)
        errors.add(
          valuePath,
          'must not be null; use op "is_null" or "is_not_null"',
        );
      else checkScalar(value, valuePath, errors);
  }
}

function validateSelectColumns(
  input: Json,
  path: string,
  errors: ErrorCollector,
): void {
  const columns = requireArray(input, 'columns', path, errors, {
    max: IR_LIMITS.maxColumns,
    noun: 'columns',
  });
  const outputs = new Set<string>();
  columns?.forEach((item, i) => {
    const itemPath = `${path}.columns[${i}]`;
    const column = asObject(
      item,
      itemPath,
      ['column', 'as', 'fn', 'cast'],
      errors,
    );
    if (!column) return;
    const source = requireIdentifier(column, 'column', itemPath, errors);
    const alias = has(column, 'as')
      ? requireIdentifier(column, 'as', itemPath, errors)
      : undefined;
    if (has(column, 'fn'))
      requireOneOf(column, 'fn', itemPath, SELECT_FUNCTIONS, errors);
    if (has(column, 'cast'))
      requireOneOf(column, 'cast', itemPath, CAST_TYPES, errors);
    const output = has(column, 'as') ? alias : source;
    if (output === undefined) return;
    if (outputs.has(output)) {
      errors.add(
        `${itemPath}.${has(column, 'as') ? 'as' : 'column'}`,
        `duplicate output column "${output}"`,
      );
    }
    outputs.add(output);
  });
}

function validateAggregate(
  input: Json,
  path: string,
  errors: ErrorCollector,
): void {
  const groupBy = identifierList(input, 'groupBy', path, errors, {
    allowEmpty: true,
  });
  const outputs = new Set(groupBy ?? []);
  const aggregations = requireArray(input, 'aggregations', path, errors, {
    max: IR_LIMITS.maxColumns,
    noun: 'aggregations',
  });
  aggregations?.forEach((item, i) => {
    const itemPath = `${path}.aggregations[${i}]`;
    const aggregation = asObject(
      item,
      itemPath,
      ['fn', 'column', 'as'],
      errors,
    );
    if (!aggregation) return;
    const fn = requireOneOf(
      aggregation,
      'fn',
      itemPath,
      AGGREGATE_FUNCTIONS,
      errors,
    );
    if (has(aggregation, 'column'))
      requireIdentifier(aggregation, 'column', itemPath, errors);
    else if (fn !== undefined && fn !== 'count')
      errors.add(`${itemPath}.column`, `is required for fn "${fn}"`);
    const output = requireIdentifier(aggregation, 'as', itemPath, errors);
    if (output === undefined) return;
    if (outputs.has(output))
      errors.add(`${itemPath}.as`, `duplicate output column "${output}"`);
    outputs.add(output);
  });
}

function validateRule(
  input: unknown,
  path: string,
  errors: ErrorCollector,
): void {
  const rule = asObject(input, path, ALL_RULE_FIELDS, errors);
  if (!rule) return;
  requireIdentifier(rule, 'column', path, errors);
  const check = requireOneOf(rule, 'check', path, VALIDATION_CHECKS, errors);
  if (check === undefined) return;
  for (const field of ALL_RULE_FIELDS) {
    if (has(rule, field) && !RULE_FIELDS[check].includes(field)) {
      errors.add(`${path}.${field}`, `is not allowed for check "${check}"`);
    }
  }
  switch (check) {
    case 'range': {
      const min = has(rule, 'min')
        ? requireFiniteNumber(rule['min'], `${path}.min`, errors)
        : undefined;
      const max = has(rule, 'max')
        ? requireFiniteNumber(rule['max'], `${path}.max`, errors)
        : undefined;
      if (!has(rule, 'min') && !has(rule, 'max'))
        errors.add(path, 'check "range" needs min and/or max');
      else if (min !== undefined && max !== undefined && min > max)
        errors.add(`${path}.min`, 'must not exceed max');
      break;
    }
    case 'accepted_values':
      if (!has(rule, 'values'))
        errors.add(`${path}.values`, 'is required for check "accepted_values"');
      else checkValueList(rule['values'], `${path}.values`, errors);
      break;
    case 'regex': {
      const pattern = rule['pattern'];
      if (!has(rule, 'pattern'))
        errors.add(`${path}.pattern`, 'is required for check "regex"');
      else if (typeof pattern !== 'string')
        errors.add(`${path}.pattern`, 'must be a string');
      else if (pattern.length === 0)
        errors.add(`${path}.pattern`, 'must not be empty');
      else checkString(pattern, `${path}.pattern`, errors);
      break;
    }
    default:
      break;
  }
}

function validateGraph(
  nodes: NodeSummary[],
  path: string,
  errors: ErrorCollector,
): void {
  const byId = new Map<string, NodeSummary>();
  for (const node of nodes) {
    if (node.id === undefined) continue;
    const first = byId.get(node.id);
    if (first)
      errors.add(
        `${path}[${node.index}].id`,
        `duplicate node id "${node.id}" (first used by ${path}[${first.index}])`,
      );
    else byId.set(node.id, node);
  }

  const edges = new Map<NodeSummary, { ref: NodeRef; to: NodeSummary }[]>();
  for (const node of nodes) {
    const resolved: { ref: NodeRef; to: NodeSummary }[] = [];
    for (const ref of node.refs) {
      const to = byId.get(ref.target);
      if (!to) errors.add(ref.path, `unknown node "${ref.target}"`);
      else if (to.type === 'target')
        errors.add(
          ref.path,
          `must not name a target node ("${ref.target}"): targets produce no rows`,
        );
      else resolved.push({ ref, to });
    }
    edges.set(node, resolved);
  }

  // Depth-first search; a grey node reached again closes a cycle, reported once at the edge that closes it.
  const state = new Map<NodeSummary, 'grey' | 'black'>();
  const stack: NodeSummary[] = [];
  const visit = (node: NodeSummary): void => {
    state.set(node, 'grey');
    stack.push(node);
    for (const { ref, to } of edges.get(node) ?? []) {
      const seen = state.get(to);
      if (seen === 'grey') {
        const cycle = [...stack.slice(stack.indexOf(to)), to]
          .map((n) => n.id)
          .join(' → ');
        errors.add(ref.path, `creates a cycle: ${cycle}`);
      } else if (seen === undefined) {
        visit(to);
      }
    }
    stack.pop();
    state.set(node, 'black');
  };
  for (const node of nodes) if (!state.has(node)) visit(node);

  if (!nodes.some((node) => node.type === 'source'))
    errors.add(path, 'must contain at least one source node');
  if (!nodes.some((node) => node.type === 'target'))
    errors.add(path, 'must contain at least one target node');
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

/** A non-null scalar: a string (bounded, no NUL), a finite number or a boolean. */
function checkScalar(
  value: unknown,
  path: string,
  errors: ErrorCollector,
): boolean {
  if (typeof value === 'string') return checkString(value, path, errors);
  if (typeof value === 'number')
    return requireFiniteNumber(value, path, errors) !== undefined;
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

function requireFiniteNumber(
  value: unknown,
  path: string,
  errors: ErrorCollector,
): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  errors.add(path, 'must be a finite number');
  return undefined;
}

function requireIdentifier(
  obj: Json,
  key: string,
  path: string,
  errors: ErrorCollector,
): string | undefined {
  const fieldPath = `${path}.${key}`;
  if (!has(obj, key)) {
    errors.add(fieldPath, 'is required');
    return undefined;
  }
  return checkIdentifier(obj[key], fieldPath, errors);
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

/** A non-empty (unless allowed) array of distinct identifiers; returns the valid ones. */
function identifierList(
  obj: Json,
  key: string,
  path: string,
  errors: ErrorCollector,
  options: { allowEmpty: boolean },
): string[] | undefined {
  const list = requireArray(obj, key, path, errors, {
    max: IR_LIMITS.maxColumns,
    noun: 'columns',
    allowEmpty: options.allowEmpty,
  });
  if (!list) return undefined;
  const seen = new Set<string>();
  list.forEach((item, i) => {
    const name = checkIdentifier(item, `${path}.${key}[${i}]`, errors);
    if (name === undefined) return;
    if (seen.has(name))
      errors.add(`${path}.${key}[${i}]`, `duplicate column "${name}"`);
    seen.add(name);
  });
  return [...seen];
}

function requireArray(
  obj: Json,
  key: string,
  path: string,
  errors: ErrorCollector,
  options: { max: number; noun: string; allowEmpty?: boolean },
): unknown[] | undefined {
  const fieldPath = `${path}.${key}`;
  if (!has(obj, key)) {
    errors.add(fieldPath, 'is required');
    return undefined;
  }
  const value = obj[key];
  if (!Array.isArray(value)) {
    errors.add(fieldPath, 'must be an array');
    return undefined;
  }
  if (value.length > options.max) {
    errors.add(fieldPath, `must have at most ${options.max} ${options.noun}`);
    return undefined;
  }
  if (value.length === 0 && !options.allowEmpty) {
    errors.add(fieldPath, 'must not be empty');
  }
  return value;
}

function requireOneOf<T extends string>(
  obj: Json,
  key: string,
  path: string,
  values: readonly T[],
  errors: ErrorCollector,
): T | undefined {
  const fieldPath = `${path}.${key}`;
  if (!has(obj, key)) {
    errors.add(fieldPath, 'is required');
    return undefined;
  }
  const value = obj[key];
  if ((values as readonly unknown[]).includes(value)) return value as T;
  errors.add(fieldPath, oneOf(values));
  return undefined;
}

function asObject(
  value: unknown,
  path: string,
  allowed: readonly string[],
  errors: ErrorCollector,
): Json | undefined {
  if (!isObject(value)) {
    errors.add(path, 'must be an object');
    return undefined;
  }
  rejectUnknownFields(value, path, allowed, errors);
  return value;
}

function rejectUnknownFields(
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

function oneOf(values: readonly unknown[]): string {
  return `must be one of ${values.join(', ')}`;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function has(obj: Json, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}
