import { Type, type Static } from '@sinclair/typebox';

import { Shape } from '../schema-builders';

/** When the file is due: a cron in a zone, plus a grace period before it counts as missed. */
export const FileDeadlineSchema = Shape('FileDeadline', {
  cron: Type.String({
    description: '5-field cron of the deadlines, e.g. `0 6 * * *`.',
    examples: ['0 6 * * *'],
  }),
  timezone: Type.Optional(
    Type.String({ description: "IANA zone; default the tenant's." }),
  ),
  graceMinutes: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 1440,
      description:
        'Minutes after each deadline before it is missed. Default 0.',
    }),
  ),
});
export type FileDeadline = Static<typeof FileDeadlineSchema>;

/** Instead of a schedule: a run per file that arrives in the landing zone, with an optional deadline (DESIGN §15). */
export const FileArrivalTriggerSchema = Shape(
  'FileArrivalTrigger',
  {
    type: Type.Literal('file_arrival'),
    path: Type.String({
      description:
        "The pattern watched, relative to the tenant's landing directory; it is the `path` of one of the pipeline's file nodes, which reads the arrived file.",
      examples: ['orders/*.csv'],
    }),
    deadline: Type.Optional(FileDeadlineSchema),
  },
  {
    description:
      'The source watcher registers each arrived file once — identity (pipeline, path, size, sha256) — and dispatches one run for it.',
  },
);
export type FileArrivalTrigger = Static<typeof FileArrivalTriggerSchema>;
