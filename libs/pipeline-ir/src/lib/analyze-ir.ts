import type {
  FieldError,
  IrNode,
  JoinNode,
  PipelineIr,
  TargetNode,
} from '@flow/contracts';

import type { Catalog, CatalogTable } from './catalog';
import {
  AGGREGATES_SQL,
  CAST_SQL_TYPES,
  SELECT_FUNCTIONS_SQL,
  UNKNOWN_TYPE,
} from './sql-types';

export interface Column {
  name: string;
  type: string;
}

/** A node's output. `columns` is null when it cannot be known (a preview over a missing table). */
export interface Relation {
  columns: Column[] | null;
}

/** Where a join output column comes from. */
export interface JoinOutput {
  side: 'left' | 'right';
  source: string;
  name: string;
}

export interface TargetPlan {
  node: TargetNode;
  index: number;
  /** The target table as the catalog knows it; undefined when the run must create it. */
  table: CatalogTable | undefined;
  /** Ancestors of the target in topological order (excluding the target itself). */
  chain: IrNode[];
}

/** What the compiler knows about an IR against a catalog, independent of SQL text and parameter numbering. */
export interface Analysis {
  ir: PipelineIr;
  catalog: Catalog;
  indexOf: Map<string, number>;
  nodeById: Map<string, IrNode>;
  relations: Map<string, Relation>;
  joinOutputs: Map<string, JoinOutput[] | null>;
  targets: TargetPlan[];
  /** For every node feeding a target: the first target (in IR order) whose statement counts its metrics. */
  owner: Map<string, string>;
  /** Problems: errors for a run, warnings for a preview. */
  issues: FieldError[];
  /** Informational notes (preview only): tables the run will create, nodes feeding no target. */
  notes: FieldError[];
}

/** Resolves every node's output columns and types against the catalog, collecting unknown tables and columns. */
export function analyzeIr(ir: PipelineIr, catalog: Catalog): Analysis {
  const analysis: Analysis = {
    ir,
    catalog,
    indexOf: new Map(ir.nodes.map((node, index) => [node.id, index])),
    nodeById: new Map(ir.nodes.map((node) => [node.id, node])),
    relations: new Map(),
    joinOutputs: new Map(),
    targets: [],
    owner: new Map(),
    issues: [],
    notes: [],
  };
  const order = topologicalOrder(ir.nodes, analysis.nodeById);
  for (const node of order)
    analysis.relations.set(node.id, inferRelation(node, analysis));

  for (const node of ir.nodes) {
    if (node.type !== 'target') continue;
    const ancestors = ancestorsOf(node, analysis.nodeById);
    const chain = order.filter((candidate) => ancestors.has(candidate.id));
    for (const member of [...chain, node]) {
      if (!analysis.owner.has(member.id))
        analysis.owner.set(member.id, node.id);
    }
    analysis.targets.push({
      node,
      index: analysis.indexOf.get(node.id) ?? -1,
      table: catalog.tables.get(node.table),
      chain,
    });
  }
  ir.nodes.forEach((node, index) => {
    if (!analysis.owner.has(node.id)) {
      analysis.notes.push({
        path: `ir.nodes[${index}]`,
        message: `node "${node.id}" feeds no target and is not executed`,
      });
    }
  });
  return analysis;
}

/** The nodes a node reads from, in field order. */
export function inputsOf(node: IrNode): string[] {
  switch (node.type) {
    case 'source':
      return [];
    case 'join':
      return [node.left, node.right];
    default:
      return [node.input];
  }
}

function topologicalOrder(
  nodes: IrNode[],
  byId: Map<string, IrNode>,
): IrNode[] {
  const done = new Set<string>();
  const order: IrNode[] = [];
  const visit = (node: IrNode): void => {
    if (done.has(node.id)) return;
    done.add(node.id);
    for (const input of inputsOf(node)) {
      const upstream = byId.get(input);
      if (upstream) visit(upstream);
    }
    order.push(node);
  };
  nodes.forEach(visit);
  return order;
}

function ancestorsOf(node: IrNode, byId: Map<string, IrNode>): Set<string> {
  const seen = new Set<string>();
  const pending = [...inputsOf(node)];
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    if (seen.has(id)) continue;
    seen.add(id);
    const upstream = byId.get(id);
    if (upstream) pending.push(...inputsOf(upstream));
  }
  return seen;
}

function inferRelation(node: IrNode, analysis: Analysis): Relation {
  const path = `ir.nodes[${analysis.indexOf.get(node.id)}]`;
  const issue = (suffix: string, message: string): void => {
    analysis.issues.push({ path: `${path}${suffix}`, message });
  };
  const input = (id: string): Relation =>
    analysis.relations.get(id) ?? { columns: null };
  /** The type of `name` in `id`'s output: UNKNOWN_TYPE (after an issue when the columns are known) if absent. */
  const columnOf = (id: string, name: string, suffix: string): string => {
    const columns = input(id).columns;
    if (columns === null) return UNKNOWN_TYPE;
    const column = columns.find((candidate) => candidate.name === name);
    if (column) return column.type;
    issue(suffix, `unknown column "${name}" in the output of node "${id}"`);
    return UNKNOWN_TYPE;
  };

  switch (node.type) {
    case 'source': {
      const table = analysis.catalog.tables.get(node.table);
      if (!table) {
        issue(
          '.table',
          `unknown table "${node.table}" in schema "${analysis.catalog.schema}"`,
        );
        return {
          columns: node.columns
            ? node.columns.map((name) => ({ name, type: UNKNOWN_TYPE }))
            : null,
        };
      }
      if (!node.columns)
        return {
          columns: table.columns.map(({ name, type }) => ({ name, type })),
        };
      return {
        columns: node.columns.map((name, i) => {
          const column = table.columns.find(
            (candidate) => candidate.name === name,
          );
          if (!column)
            issue(
              `.columns[${i}]`,
              `unknown column "${name}" in table "${node.table}"`,
            );
          return { name, type: column?.type ?? UNKNOWN_TYPE };
        }),
      };
    }
    case 'filter':
      node.where.forEach((condition, i) =>
        columnOf(node.input, condition.column, `.where[${i}].column`),
      );
      return input(node.input);
    case 'validate':
      node.rules.forEach((rule, i) =>
        columnOf(node.input, rule.column, `.rules[${i}].column`),
      );
      return input(node.input);
    case 'select':
      return {
        columns: node.columns.map((column, i) => {
          let type = columnOf(
            node.input,
            column.column,
            `.columns[${i}].column`,
          );
          if (column.cast) type = CAST_SQL_TYPES[column.cast];
          if (column.fn)
            type = SELECT_FUNCTIONS_SQL[column.fn].resultType(type);
          return { name: column.as ?? column.column, type };
        }),
      };
    case 'aggregate':
      return {
        columns: [
          ...node.groupBy.map((name, i) => ({
            name,
            type: columnOf(node.input, name, `.groupBy[${i}]`),
          })),
          ...node.aggregations.map((aggregation, i) => {
            const inputType =
              aggregation.column === undefined
                ? UNKNOWN_TYPE
                : columnOf(
                    node.input,
                    aggregation.column,
                    `.aggregations[${i}].column`,
                  );
            return {
              name: aggregation.as,
              type: AGGREGATES_SQL[aggregation.fn].resultType(inputType),
            };
          }),
        ],
      };
    case 'join':
      return inferJoin(node, analysis, columnOf, issue);
    case 'target':
      checkTarget(node, analysis, columnOf, issue);
      return input(node.input);
  }
}

function inferJoin(
  node: JoinNode,
  analysis: Analysis,
  columnOf: (id: string, name: string, suffix: string) => string,
  issue: (suffix: string, message: string) => void,
): Relation {
  node.on.forEach((key, i) => {
    columnOf(node.left, key.left, `.on[${i}].left`);
    columnOf(node.right, key.right, `.on[${i}].right`);
  });
  const left = analysis.relations.get(node.left)?.columns ?? null;
  const right = analysis.relations.get(node.right)?.columns ?? null;
  if (left === null || right === null) {
    analysis.joinOutputs.set(node.id, null);
    return { columns: null };
  }
  const outputs: JoinOutput[] = left.map(({ name }) => ({
    side: 'left',
    source: name,
    name,
  }));
  const columns: Column[] = [...left];
  const leftNames = new Set(left.map(({ name }) => name));
  for (const column of right) {
    const name = `${node.rightPrefix ?? ''}${column.name}`;
    if (name.length > 63) {
      issue('.rightPrefix', `"${name}" is longer than 63 characters`);
      continue;
    }
    // A right key whose output name equals the left key it is paired with carries the same value: keep the left one.
    if (node.on.some((key) => key.right === column.name && key.left === name))
      continue;
    if (leftNames.has(name)) {
      issue(
        node.rightPrefix === undefined ? '.right' : '.rightPrefix',
        `column "${name}" is in the output of both "${node.left}" and "${node.right}"; ` +
          (node.rightPrefix === undefined
            ? 'set rightPrefix to rename'
            : 'choose another rightPrefix for') +
          ` the right side's columns`,
      );
      continue;
    }
    outputs.push({ side: 'right', source: column.name, name });
    columns.push({ name, type: column.type });
  }
  analysis.joinOutputs.set(node.id, outputs);
  return { columns };
}

function checkTarget(
  node: TargetNode,
  analysis: Analysis,
  columnOf: (id: string, name: string, suffix: string) => string,
  issue: (suffix: string, message: string) => void,
): void {
  node.key?.forEach((name, i) => columnOf(node.input, name, `.key[${i}]`));
  const table = analysis.catalog.tables.get(node.table);
  const written = analysis.relations.get(node.input)?.columns ?? null;
  const path = `ir.nodes[${analysis.indexOf.get(node.id)}]`;
  if (!table) {
    analysis.notes.push({
      path: `${path}.table`,
      message: `table "${node.table}" does not exist yet; the run creates it`,
    });
    return;
  }
  const existing = new Set(table.columns.map(({ name }) => name));
  for (const column of written ?? []) {
    if (!existing.has(column.name)) {
      issue(
        '.table',
        `table "${node.table}" has no column "${column.name}" (written from the output of node "${node.input}")`,
      );
    }
  }
}
