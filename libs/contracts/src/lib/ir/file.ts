import { Type, type Static } from '@sinclair/typebox';

import { Shape, StringEnum } from '../schema-builders';
import { Identifier, NodeIdSchema } from './common';
import { CastTypeSchema } from './select';

export const FileFormatSchema = StringEnum(['csv', 'ndjson']);
export type FileFormat = Static<typeof FileFormatSchema>;

export const FileColumnSchema = Shape('FileColumn', {
  name: Identifier(),
  type: CastTypeSchema,
});
export type FileColumn = Static<typeof FileColumnSchema>;

/** Reads files of the tenant's landing directory (`FLOW_LANDING_DIR/<tenant slug>/`) that match a pattern. */
export const FileNodeSchema = Shape(
  'FileNode',
  {
    id: NodeIdSchema,
    type: Type.Literal('file'),
    path: Type.String({
      minLength: 1,
      maxLength: 512,
      description:
        "A pattern relative to the tenant's landing directory, e.g. `orders/*.csv` (`*` and `?` match within one path segment).",
      examples: ['orders/*.csv'],
    }),
    format: FileFormatSchema,
    columns: Type.Array(FileColumnSchema, {
      minItems: 1,
      description:
        'The columns of each line, in file order for csv (by name for ndjson), with the type each value must parse as.',
    }),
    header: Type.Optional(
      Type.Boolean({
        description:
          'csv only: the first line names the columns (it must equal `columns` in order). Default true.',
      }),
    ),
    key: Type.Optional(
      Type.Array(Identifier(), {
        minItems: 1,
        description:
          'The columns that identify a line (dead letters record them).',
      }),
    ),
  },
  {
    description:
      "Reads each matching file of the tenant's landing directory; lines that do not parse become dead letters of kind `parse`.",
  },
);
export type FileNode = Static<typeof FileNodeSchema>;
