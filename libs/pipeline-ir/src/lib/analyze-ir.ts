import type {
  FieldError,
  IrNode,
  PipelineIr,
  TargetNode,
} from '@flow/contracts';

import type { Catalog, CatalogTable } from './catalog';
import type {
  Column,
  ColumnOrigin,
  InferContext,
  Relation,
} from './nodes/node-type';
import { nodeTypeOf } from './nodes/registry';
import { UNKNOWN_TYPE } from './sql-types';

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
  /** Every node's inferred output (with its type's detail), by node id. */
  relations: Map<string, Relation>;
  targets: TargetPlan[];
  /** For every node feeding a target: the first target (in IR order) whose statement counts its metrics. */
  owner: Map<string, string>;
  /** The key columns of each keyed source node: declared, or the key of a merge target it feeds. */
  keys: Map<string, string[]>;
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
    targets: [],
    owner: new Map(),
    keys: new Map(),
    issues: [],
    notes: [],
  };
  const order = topologicalOrder(ir.nodes, analysis.nodeById);
  for (const node of order)
    analysis.relations.set(
      node.id,
      nodeTypeOf(node).infer(node, inferContext(node, analysis)),
    );

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
  resolveKeys(analysis);
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

/**
 * Declared source keys, then defaults: a merge target's key, where each of its columns carries (unchanged) a
 * column of one source, becomes that source's key.
 */
function resolveKeys(analysis: Analysis): void {
  for (const node of analysis.ir.nodes)
    if (
      (node.type === 'source' ||
        node.type === 'stream' ||
        node.type === 'file') &&
      node.key
    )
      analysis.keys.set(node.id, node.key);
  for (const { node: target } of analysis.targets) {
    if (target.mode !== 'merge' || !target.key) continue;
    const columns = analysis.relations.get(target.input)?.columns ?? [];
    const origins = target.key.map(
      (name) => columns.find((column) => column.name === name)?.origins ?? [],
    );
    for (const { node: source } of origins[0] ?? []) {
      if (analysis.keys.has(source)) continue;
      const key = origins.map(
        (candidates) =>
          candidates.find((origin) => origin.node === source)?.column,
      );
      if (key.every((column) => column !== undefined))
        analysis.keys.set(source, key as string[]);
    }
  }
}

/**
 * The output columns (by name) that carry `source`'s key columns unchanged, in key order; undefined when one of
 * them does not reach `columns`.
 */
export function keyColumnsIn(
  columns: Column[] | null,
  source: string,
  key: string[],
): string[] | undefined {
  const found = key.map(
    (keyColumn) =>
      columns?.find((column) =>
        column.origins?.some(
          (origin) => origin.node === source && origin.column === keyColumn,
        ),
      )?.name,
  );
  return found.every((name) => name !== undefined)
    ? (found as string[])
    : undefined;
}

/** The source nodes `node` reads from, directly or not, in IR order. */
export function upstreamSources(node: IrNode, analysis: Analysis): IrNode[] {
  const ancestors = ancestorsOf(node, analysis.nodeById);
  return analysis.ir.nodes.filter(
    (candidate) =>
      ancestors.has(candidate.id) && nodeTypeOf(candidate).role === 'source',
  );
}

function inputsOf(node: IrNode): string[] {
  return nodeTypeOf(node).inputs(node);
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

function inferContext(node: IrNode, analysis: Analysis): InferContext {
  const path = `ir.nodes[${analysis.indexOf.get(node.id)}]`;
  const issue = (suffix: string, message: string): void => {
    analysis.issues.push({ path: `${path}${suffix}`, message });
  };
  const input = (id: string): Relation =>
    analysis.relations.get(id) ?? { columns: null };
  return {
    catalog: analysis.catalog,
    path,
    input,
    issue,
    note: (suffix, message) =>
      analysis.notes.push({ path: `${path}${suffix}`, message }),
    columnOf: (id, name, suffix) => {
      const columns = input(id).columns;
      if (columns === null) return UNKNOWN_TYPE;
      const column = columns.find((candidate) => candidate.name === name);
      if (column) return column.type;
      issue(suffix, `unknown column "${name}" in the output of node "${id}"`);
      return UNKNOWN_TYPE;
    },
    originsOf: (id, name): ColumnOrigin[] =>
      input(id).columns?.find((column) => column.name === name)?.origins ?? [],
  };
}
