import { Type, type Static } from '@sinclair/typebox';

import { Shape } from './schema-builders';

export const FieldErrorSchema = Shape(
  'FieldError',
  {
    path: Type.String({
      description:
        'JSON path of the offending value, e.g. `ir.schedule.expression`, `ir.nodes[2].where[0].op`, `limit`, `body`.',
    }),
    message: Type.String({ description: 'What is wrong with it.' }),
  },
  {
    examples: [
      {
        path: 'ir.schedule.expression',
        message: 'minute 61 is out of range 0-59',
      },
    ],
  },
);
export type FieldError = Static<typeof FieldErrorSchema>;

/** Every error body (DESIGN §8). `details` lists each offending field for validation errors. */
export const ErrorResponseSchema = Shape(
  'ErrorResponse',
  {
    statusCode: Type.Integer({ minimum: 400, maximum: 599 }),
    error: Type.String({
      description: 'The status reason phrase, e.g. `Bad Request`.',
    }),
    message: Type.String({
      description:
        'Human text; for a 400 it repeats the first detail as `<path>: <message>`.',
    }),
    details: Type.Optional(
      Type.Array(FieldErrorSchema, {
        description:
          'Every offending field (validation errors, conflicts, a body the parser refused).',
      }),
    ),
    currentVersion: Type.Optional(
      Type.Integer({
        minimum: 1,
        description:
          '412 only: the version the pipeline is at now (the `If-Match` named an older one). Reload, re-apply, save with it.',
      }),
    ),
  },
  {
    description: 'The body of every 4xx and 5xx answer.',
    examples: [
      {
        statusCode: 400,
        error: 'Bad Request',
        message: 'ir.schedule.expression: minute 61 is out of range 0-59',
        details: [
          {
            path: 'ir.schedule.expression',
            message: 'minute 61 is out of range 0-59',
          },
        ],
      },
    ],
  },
);
export type ErrorResponse = Static<typeof ErrorResponseSchema>;
