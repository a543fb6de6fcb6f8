import { Type, type Static } from '@sinclair/typebox';

import { Named } from '../schema-builders';
import { AggregateNodeSchema } from './aggregate';
import { FileNodeSchema } from './file';
import { FilterNodeSchema } from './filter';
import { JoinNodeSchema } from './join';
import { SelectNodeSchema } from './select';
import { SourceNodeSchema } from './source';
import { StreamNodeSchema } from './stream';
import { TargetNodeSchema } from './target';
import { ValidateNodeSchema } from './validate';

/**
 * Every IR node type, by its `type` literal. Adding a node type is one schema file beside this one and one entry
 * here: the `IrNode` union, `IR_NODE_TYPES` and the OpenAPI document follow.
 */
export const IR_NODE_SCHEMAS = {
  source: SourceNodeSchema,
  file: FileNodeSchema,
  filter: FilterNodeSchema,
  select: SelectNodeSchema,
  aggregate: AggregateNodeSchema,
  join: JoinNodeSchema,
  validate: ValidateNodeSchema,
  target: TargetNodeSchema,
  stream: StreamNodeSchema,
} as const;

type NodeSchemas = typeof IR_NODE_SCHEMAS;
export type IrNodeType = keyof NodeSchemas;
export type IrNode = Static<NodeSchemas[IrNodeType]>;
/** The node of one type, e.g. `IrNodeOf<'join'>`. */
export type IrNodeOf<K extends IrNodeType> = Static<NodeSchemas[K]>;

export const IR_NODE_TYPES = Object.keys(
  IR_NODE_SCHEMAS,
) as readonly IrNodeType[];

export const IrNodeSchema = Named(
  'IrNode',
  Type.Unsafe<IrNode>({
    description: 'One node of the DAG, told apart by `type`.',
    anyOf: Object.values(IR_NODE_SCHEMAS),
  }),
);
