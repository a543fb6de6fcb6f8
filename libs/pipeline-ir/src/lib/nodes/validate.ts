import type {
  ValidateNode,
  ValidationCheck,
  ValidationRule,
} from '@flow/contracts';

import { quoteIdent, quoteTrustedQualifiedName } from '../identifiers';
import { indent } from '../sql-text';
import { IR_LIMITS, type Fields } from '../validation/fields';
import type { NodeType, StatementContext } from './node-type';

export const VALIDATION_CHECKS = [
  'not_null',
  'unique',
  'range',
  'accepted_values',
  'regex',
] as const satisfies readonly ValidationCheck[];

export const ON_FAIL = [
  'dlq',
  'fail',
] as const satisfies readonly ValidateNode['onFail'][];

const RULE_FIELDS: Record<ValidationCheck, readonly string[]> = {
  not_null: ['column', 'check'],
  unique: ['column', 'check'],
  range: ['column', 'check', 'min', 'max'],
  accepted_values: ['column', 'check', 'values'],
  regex: ['column', 'check', 'pattern'],
};
const ALL_RULE_FIELDS = ['column', 'check', 'min', 'max', 'values', 'pattern'];

/**
 * `validate`: per row, the list of failed rules. Passing rows are the node's output; failing ones its `rejected`
 * CTE — inserted into the dead-letter table (`dlq`, by the statement that owns the node) or, with `fail`, a gate
 * that makes the whole statement write nothing.
 */
export const validateNode: NodeType<ValidateNode> = {
  role: 'transform',
  fields: ['id', 'type', 'input', 'rules', 'onFail'],

  validate(node) {
    node.ref('input');
    const rules = node.array('rules', {
      max: IR_LIMITS.maxRules,
      noun: 'rules',
    });
    rules?.forEach((item, i) => {
      const rule = node.object(
        item,
        `${node.path}.rules[${i}]`,
        ALL_RULE_FIELDS,
      );
      if (rule) validateRule(rule);
    });
    node.oneOf('onFail', ON_FAIL);
  },

  inputs: (node) => [node.input],

  infer(node, context) {
    node.rules.forEach((rule, i) =>
      context.columnOf(node.input, rule.column, `.rules[${i}].column`),
    );
    return { columns: context.input(node.input).columns };
  },

  /**
   * `verdict` pairs each input row (as one composite value) with the reasons it fails; passing rows become the
   * node's CTE, failing ones `rejected` (and, for `dlq`, are inserted into the dead-letter table).
   */
  compile(node, statement) {
    const verdict = statement.aux(node, 'verdict');
    const rejected = statement.aux(node, 'rejected');
    const checks = node.rules.map(
      (rule) =>
        `CASE WHEN ${ruleFails(rule, statement)} THEN ${statement.param(ruleReason(rule))}::text END`,
    );
    statement.cte(
      verdict,
      `SELECT r.*::record AS "row", array_remove(ARRAY[\n${indent(checks.join(',\n'), '    ')}\n  ], NULL) AS reasons\nFROM ${quoteIdent(node.input)} AS r`,
    );
    statement.cte(
      quoteIdent(node.id),
      `SELECT ("row").*\nFROM ${verdict}\nWHERE cardinality(reasons) = 0`,
    );
    statement.cte(
      rejected,
      `SELECT "row", reasons\nFROM ${verdict}\nWHERE cardinality(reasons) > 0`,
    );
    if (node.onFail === 'dlq' && statement.owns(node))
      statement.defer(() => addDeadLetters(node, statement));
  },

  rejected: (node, statement) => statement.aux(node, 'rejected'),

  deadLetters: (node) => node.onFail === 'dlq',

  failGate: (node, statement) =>
    node.onFail === 'fail'
      ? `EXISTS (SELECT 1 FROM ${statement.aux(node, 'rejected')})`
      : undefined,
};

function validateRule(rule: Fields): void {
  rule.identifier('column');
  const check = rule.oneOf('check', VALIDATION_CHECKS);
  if (check === undefined) return;
  for (const field of ALL_RULE_FIELDS) {
    if (rule.has(field) && !RULE_FIELDS[check].includes(field)) {
      rule.error(field, `is not allowed for check "${check}"`);
    }
  }
  switch (check) {
    case 'range': {
      const min = rule.has('min') ? rule.finiteNumber('min') : undefined;
      const max = rule.has('max') ? rule.finiteNumber('max') : undefined;
      if (!rule.has('min') && !rule.has('max'))
        rule.error(undefined, 'check "range" needs min and/or max');
      else if (min !== undefined && max !== undefined && min > max)
        rule.error('min', 'must not exceed max');
      break;
    }
    case 'accepted_values':
      if (!rule.has('values'))
        rule.error('values', 'is required for check "accepted_values"');
      else rule.valueList('values');
      break;
    case 'regex': {
      const pattern = rule.get('pattern');
      if (!rule.has('pattern'))
        rule.error('pattern', 'is required for check "regex"');
      else if (typeof pattern !== 'string')
        rule.error('pattern', 'must be a string');
      else if (pattern.length === 0) rule.error('pattern', 'must not be empty');
      else rule.string('pattern');
      break;
    }
    default:
      break;
  }
}

/** A predicate true when the rule rejects the row; NULL passes every check except not_null. */
function ruleFails(rule: ValidationRule, statement: StatementContext): string {
  const column = `r.${quoteIdent(rule.column)}`;
  switch (rule.check) {
    case 'not_null':
      return `${column} IS NULL`;
    case 'unique':
      return `${column} IS NOT NULL AND count(*) OVER (PARTITION BY ${column}) > 1`;
    case 'range': {
      const bounds: string[] = [];
      if (rule.min !== undefined)
        bounds.push(`${column} < ${statement.param(rule.min)}`);
      if (rule.max !== undefined)
        bounds.push(`${column} > ${statement.param(rule.max)}`);
      return bounds.join(' OR ');
    }
    case 'accepted_values':
      return `${column} <> ALL(${statement.param(rule.values)})`;
    case 'regex':
      return `CAST(${column} AS text) !~ ${statement.param(rule.pattern)}`;
  }
}

/** The dead-letter reason for one rule, e.g. `not_null(amount)`; bound as a parameter like every other text. */
function ruleReason(rule: ValidationRule): string {
  return `${rule.check}(${rule.column})`;
}

/** `INSERT INTO <dead-letter table> … FROM <rejected>`, withheld like every write when a fail node rejects rows. */
function addDeadLetters(node: ValidateNode, statement: StatementContext): void {
  const [tenantId, pipelineId, runId] = statement.runIds();
  const nodeId = statement.param(node.id);
  const rowKey = statement.rowKey(statement.columns(node.id), '("row")');
  statement.cte(
    statement.aux(node, 'dlq'),
    `INSERT INTO ${quoteTrustedQualifiedName(statement.run.deadLetterTable)} ("tenant_id", "pipeline_id", "run_id", "node_id", "kind", "row", "row_key", "reason")\n` +
      `SELECT ${tenantId}, ${pipelineId}, ${runId}, ${nodeId}, 'validate', to_jsonb("row"), ${rowKey}, array_to_string(reasons, '; ')\n` +
      `FROM ${statement.aux(node, 'rejected')}${statement.gate('WHERE')}`,
  );
}
