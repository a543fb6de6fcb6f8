import type {
  ComparisonOp,
  PipelineIr,
  ScalarValue,
  TargetMode,
  ValidationRule,
} from '@flow/contracts';
import fc from 'fast-check';

import type { Catalog } from './catalog';
import { compileRun, type CompiledRun, type CompiledSql } from './compile';
import { IrCompileError } from './errors';
import { validateIr } from './validate-ir';

/** Pieces that break naive SQL building: quotes, terminators, comments, escapes, placeholders, unicode, NUL-ish. */
const HOSTILE_PIECES = [
  '"',
  "'",
  ';',
  '--',
  '/*',
  '*/',
  '\\',
  '$1',
  '$$',
  'é',
  '😀',
  '\u0000',
  '\u0001',
  ' ',
  '.',
  'DROP',
  'a',
  '_',
  '0',
  '\n',
  '%',
];

const hostileString = fc
  .array(fc.constantFrom(...HOSTILE_PIECES), { minLength: 1, maxLength: 6 })
  .map((pieces) => pieces.join(''));
const plainIdentifier = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/);
/** Mostly valid identifiers (so most IRs compile), sometimes hostile text that validation must reject. */
const name = fc.oneof(
  { weight: 30, arbitrary: plainIdentifier },
  { weight: 1, arbitrary: hostileString },
);
const scalar: fc.Arbitrary<ScalarValue> = fc.oneof(
  { weight: 8, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.boolean() },
);
/** A value that usually fits the operator; sometimes anything (NaN, null, a list), which validation must reject. */
const anyValue = fc.oneof(
  scalar,
  fc.double(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 3 }),
);
function valueFor(op: ComparisonOp): fc.Arbitrary<unknown> {
  const fitting =
    op === 'in' || op === 'not_in'
      ? fc.array(hostileString, { minLength: 1, maxLength: 3 })
      : op === 'like'
        ? hostileString
        : scalar;
  return fc.oneof(
    { weight: 15, arbitrary: fitting },
    { weight: 1, arbitrary: anyValue },
  );
}
const OPS: ComparisonOp[] = [
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
];

const irInput = fc
  .record({
    ids: fc.tuple(name, name, name, name, name),
    table: name,
    columns: fc.uniqueArray(name, { minLength: 1, maxLength: 3 }),
    /** Catalog columns the IR does not name (information_schema may hold any name): read when `readAll`. */
    catalogOnly: fc.uniqueArray(
      hostileString.filter((c) => !c.includes('\u0000')),
      { maxLength: 3 },
    ),
    readAll: fc.boolean(),
    alias: name,
    conditions: fc.array(
      fc
        .record({ column: fc.nat(), op: fc.constantFrom(...OPS) })
        .chain((c) => valueFor(c.op).map((value) => ({ ...c, value }))),
      { minLength: 1, maxLength: 4 },
    ),
    rules: fc.array(
      fc.record({
        column: fc.nat(),
        check: fc.constantFrom(
          'not_null',
          'unique',
          'range',
          'accepted_values',
          'regex',
        ),
        bound: fc.integer(),
        values: fc.array(hostileString, { minLength: 1, maxLength: 3 }),
        pattern: hostileString,
      }),
      { minLength: 1, maxLength: 3 },
    ),
    onFail: fc.constantFrom('dlq', 'fail'),
    targetTable: name,
    targetExists: fc.boolean(),
    mode: fc.constantFrom<TargetMode>('append', 'replace', 'merge'),
  })
  .map((input) => ({
    ...input,
    // The source table is never also the target here, so the catalog describes both.
    targetTable:
      input.targetTable === input.table
        ? `${input.targetTable}_t`
        : input.targetTable,
  }));

type IrInput = typeof irInput extends fc.Arbitrary<infer T> ? T : never;

function buildIr(input: IrInput): { ir: PipelineIr; catalog: Catalog } {
  const [source, filter, validate, select, target] = input.ids;
  const column = (i: number): string => input.columns[i % input.columns.length];
  const rules = input.rules.map((rule, i): ValidationRule => {
    const base = { column: column(rule.column), check: rule.check };
    switch (rule.check) {
      case 'range':
        return { ...base, min: rule.bound, max: rule.bound + i };
      case 'accepted_values':
        return { ...base, values: rule.values };
      case 'regex':
        return { ...base, pattern: rule.pattern };
      default:
        return base;
    }
  });
  const outputs = [input.alias, ...input.columns.slice(1)];
  const ir = {
    version: 1,
    nodes: [
      {
        id: source,
        type: 'source',
        table: input.table,
        ...(input.readAll ? {} : { columns: input.columns }),
        key: [input.columns[input.columns.length - 1]],
      },
      {
        id: filter,
        type: 'filter',
        input: source,
        where: input.conditions.map((condition) =>
          condition.op === 'is_null' || condition.op === 'is_not_null'
            ? { column: column(condition.column), op: condition.op }
            : {
                column: column(condition.column),
                op: condition.op,
                value: condition.value,
              },
        ),
      },
      {
        id: validate,
        type: 'validate',
        input: filter,
        rules,
        onFail: input.onFail,
      },
      {
        id: select,
        type: 'select',
        input: validate,
        columns: [
          {
            column: input.columns[0],
            as: input.alias,
            fn: 'lower',
            cast: 'text',
          },
          ...input.columns.slice(1).map((c) => ({ column: c })),
        ],
      },
      {
        id: target,
        type: 'target',
        input: select,
        table: input.targetTable,
        mode: input.mode,
        ...(input.mode === 'merge' ? { key: [outputs[0]] } : {}),
      },
    ],
  } as PipelineIr;
  const catalogColumns = [...new Set([...input.columns, ...input.catalogOnly])];
  const tables = new Map([
    [
      input.table,
      { columns: catalogColumns.map((c) => ({ name: c, type: 'text' })) },
    ],
  ]);
  if (input.targetExists)
    tables.set(input.targetTable, {
      columns: outputs.map((c) => ({ name: c, type: 'text' })),
    });
  return { ir, catalog: { schema: 'tenant_acme', tables } };
}

/** Every string and number the IR carries as a value (not an identifier). */
function valuesOf(ir: PipelineIr): unknown[] {
  return ir.nodes.flatMap((node) => {
    if (node.type === 'filter')
      return node.where.flatMap((c) =>
        c.value === undefined ? [] : [c.value],
      );
    if (node.type === 'validate')
      return node.rules.flatMap((r) =>
        [r.min, r.max, r.values, r.pattern].filter((v) => v !== undefined),
      );
    return [];
  });
}

/** The same IR with every value replaced by another of the same type. */
function withOtherValues(ir: PipelineIr): PipelineIr {
  const swap = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(swap);
    if (typeof value === 'string') return `other ${value.length}`;
    if (typeof value === 'number') return value + 1;
    if (typeof value === 'boolean') return !value;
    return value;
  };
  return {
    ...ir,
    nodes: ir.nodes.map((node) => {
      if (node.type === 'filter')
        return {
          ...node,
          where: node.where.map((c) =>
            c.value === undefined
              ? c
              : { ...c, value: swap(c.value) as ScalarValue },
          ),
        };
      if (node.type === 'validate') {
        return {
          ...node,
          rules: node.rules.map((r) => ({
            ...r,
            ...(r.min === undefined ? {} : { min: r.min + 1 }),
            ...(r.max === undefined ? {} : { max: r.max + 1 }),
            ...(r.values === undefined
              ? {}
              : { values: swap(r.values) as ScalarValue[] }),
            ...(r.pattern === undefined
              ? {}
              : { pattern: `other ${r.pattern.length}` }),
          })),
        };
      }
      return node;
    }),
  };
}

/** Unquoted words the compiler itself writes: SQL keywords, whitelisted functions and types, result columns. */
const SQL_VOCABULARY = new Set(
  `with as select from where and or not exists insert into returning delete on conflict do update set excluded nothing
  is distinct null any all like cast bigint count false jsonb_build_object text record array_remove array case when then
  end over partition by cardinality to_jsonb array_to_string rows_read rows_written rows_rejected failed node_metrics
  reasons r l t inner left join group lower upper btrim length abs round date integer numeric double precision boolean
  timestamp time zone create table if unique temporary commit drop no data pg_temp row_number jsonb_populate_record
  uuid written s k jsonb in`.split(/\s+/),
);
const CODE_LITERALS = ["'; '", "'rows'", "'rejected'", "'validate'", "'write'"];
const QUOTED_IDENTIFIER = /"(?:[^"]|"")*"/g;

const run = {
  tenantId: 't',
  pipelineId: 'p',
  runId: 'r',
  deadLetterTable: 'public.dead_letters',
};

describe('compileRun with hostile names and values', () => {
  it('either rejects the IR or binds every value and quotes every identifier', () => {
    let compiled = 0;
    let replays = 0;
    fc.assert(
      fc.property(irInput, (input) => {
        const { ir, catalog } = buildIr(input);
        if (validateIr(ir).length > 0) return;
        compiled++;
        const statements = everySql(compileRun(ir, catalog, run));
        const other = everySql(compileRun(withOtherValues(ir), catalog, run));
        // A replay (when the source's key reaches every node that dead-letters) obeys the same rules.
        try {
          statements.push(
            ...everySql(
              compileRun(ir, catalog, {
                ...run,
                replay: { deadLetterIds: ['d1', 'd2'] },
              }),
            ),
          );
          replays++;
        } catch (error) {
          if (!(error instanceof IrCompileError)) throw error;
        }
        // The text depends on the structure only: values never reach it.
        expect(other.map((s) => s.sql)).toEqual(
          statements.slice(0, other.length).map((s) => s.sql),
        );

        const parameters = statements.flatMap((s) => s.parameters);
        for (const value of valuesOf(ir))
          expect(parameters).toContainEqual(value);

        const identifiers = [
          input.table,
          input.targetTable,
          ...input.columns,
          ...input.catalogOnly,
          input.alias,
          ...input.ids,
        ];
        for (const statement of statements) {
          const quoted = (statement.sql.match(QUOTED_IDENTIFIER) ?? []).map(
            (q) => q.slice(1, -1).replace(/""/g, '"'),
          );
          for (const q of quoted)
            expect(
              identifiers.includes(q) ||
                q.includes(':') ||
                FIXED_NAMES.has(q) ||
                /^flow_(stage_\d+|ordinal_*)$/.test(q),
            ).toBe(true);

          let rest = statement.sql.replace(QUOTED_IDENTIFIER, ' ');
          for (const literal of CODE_LITERALS)
            rest = rest.split(literal).join(' ');
          expect(rest).not.toMatch(/['";\\]|--|\/\*/);
          // Outside quoted identifiers, `$n` only ever means parameter n, and every parameter is used.
          const placeholders = [...rest.matchAll(/\$(\d+)/g)].map((m) =>
            Number(m[1]),
          );
          expect(new Set(placeholders)).toEqual(
            new Set(statement.parameters.map((_, i) => i + 1)),
          );
          for (const word of rest.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [])
            expect(SQL_VOCABULARY).toContain(word.toLowerCase());
        }
      }),
      { numRuns: 400 },
    );
    // Guard against a vacuous property: a good share of the generated IRs must be valid and compiled.
    expect(compiled).toBeGreaterThan(40);
    expect(replays).toBeGreaterThan(10);
  });
});

const FIXED_NAMES = new Set([
  'tenant_acme',
  'public',
  'dead_letters',
  'tenant_id',
  'pipeline_id',
  'run_id',
  'node_id',
  'row',
  'reason',
  'kind',
  'row_key',
  'id',
]);

/** Every SQL text of a compiled run: the statements and their isolated-write variants. */
function everySql(compiled: CompiledRun): CompiledSql[] {
  return compiled.statements.flatMap((statement) => [
    statement,
    ...(statement.isolation ? Object.values(statement.isolation) : []),
  ]);
}
