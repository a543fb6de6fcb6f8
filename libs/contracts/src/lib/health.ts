import { Type, type Static } from '@sinclair/typebox';

import { DateTime, Nullable, Shape } from './schema-builders';

export const LiveResponseSchema = Shape('LiveResponse', {
  status: Type.Literal('ok'),
});
export type LiveResponse = Static<typeof LiveResponseSchema>;

export const ReadyResponseSchema = Shape(
  'ReadyResponse',
  {
    status: Type.Literal('ok'),
    checks: Shape('ReadyChecks', { database: Type.Literal('up') }),
    lastTickAt: Nullable(DateTime()),
    warnings: Type.Array(Type.String(), {
      description:
        'The dead-man switch: no tick for over two minutes is a warning, not unreadiness (the api still serves).',
    }),
  },
  {
    examples: [
      {
        status: 'ok',
        checks: { database: 'up' },
        lastTickAt: '2026-12-01T09:03:00.000Z',
        warnings: [],
      },
    ],
  },
);
export type ReadyResponse = Static<typeof ReadyResponseSchema>;
