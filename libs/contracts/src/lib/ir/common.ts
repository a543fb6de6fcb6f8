import { Type, type SchemaOptions, type Static } from '@sinclair/typebox';

/**
 * The identifier rule of IR v1 (tables, columns, node ids): lowercase ASCII, digits and underscores, at most 63
 * bytes — PostgreSQL's limit, so a name is never silently truncated. `@flow/pipeline-ir` enforces the same rule.
 */
export const IR_IDENTIFIER_PATTERN = '^[a-z_][a-z0-9_]{0,62}$';

export function Identifier(options: SchemaOptions = {}) {
  return Type.String({ pattern: IR_IDENTIFIER_PATTERN, ...options });
}

/** A node id: an identifier unique within the document. */
export const NodeIdSchema = Identifier({
  description: 'Unique within the document.',
});

/** Another node's id: the edge `input → this node`. */
export function NodeRef(
  description = 'The id of the node this one reads from.',
) {
  return Identifier({ description });
}

export const ScalarValueSchema = Type.Union([
  Type.String(),
  Type.Number(),
  Type.Boolean(),
  Type.Null(),
]);
export type ScalarValue = Static<typeof ScalarValueSchema>;
