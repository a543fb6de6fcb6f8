import type { IrNode, IrNodeType } from '@flow/contracts';

import { has } from '../validation/fields';
import { aggregateNode } from './aggregate';
import { fileNode } from './file';
import { filterNode } from './filter';
import { joinNode } from './join';
import type { NodeRole, NodeType } from './node-type';
import { selectNode } from './select';
import { sourceNode } from './source';
import { streamNode } from './stream';
import { targetNode } from './target';
import { validateNode } from './validate';

type NodeOfType<T extends IrNodeType> = Extract<IrNode, { type: T }>;

/**
 * Every node type of the IR, keyed by its `type`. The mapped type makes a node type added to `IrNode` in
 * `@flow/contracts` a compile error here until its module is registered. The key order is the order error
 * messages list the types in.
 */
export const NODE_TYPES = {
  source: sourceNode,
  file: fileNode,
  filter: filterNode,
  select: selectNode,
  aggregate: aggregateNode,
  join: joinNode,
  validate: validateNode,
  target: targetNode,
  stream: streamNode,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry's own detail type
} satisfies { [T in IrNodeType]: NodeType<NodeOfType<T>, any> };

export const NODE_TYPE_NAMES = Object.keys(NODE_TYPES) as IrNodeType[];

/** An own key of {@link NODE_TYPES} (never an inherited name such as `constructor`). */
export function isNodeType(value: unknown): value is IrNodeType {
  return typeof value === 'string' && has(NODE_TYPES, value);
}

/** What a config form needs to know about a node type: its role and the fields it may have. */
export function describeNodeType(type: IrNodeType): {
  role: NodeRole;
  fields: readonly string[];
} {
  const { role, fields } = NODE_TYPES[type];
  return { role, fields };
}

/** The module of a node's type, for code that handles any node. */
export function nodeTypeOf(node: IrNode): NodeType<IrNode, unknown> {
  return NODE_TYPES[node.type] as unknown as NodeType<IrNode, unknown>;
}

/** The ids of the nodes `node` reads from, in port order (a join: left, right). */
export function nodeInputs(node: IrNode): string[] {
  return nodeTypeOf(node).inputs(node);
}
