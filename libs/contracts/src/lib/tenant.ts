import { Type, type Static } from '@sinclair/typebox';

import { Shape, Uuid } from './schema-builders';

/** `GET /tenant`: the caller's tenant (the console's top bar). */
export const TenantResponseSchema = Shape('TenantResponse', {
  id: Uuid(),
  slug: Type.String({ examples: ['acme'] }),
  name: Type.String({ examples: ['Acme Corporation'] }),
  timezone: Type.String({
    description: 'IANA zone schedules default to.',
    examples: ['Europe/Berlin'],
  }),
});
export type TenantResponse = Static<typeof TenantResponseSchema>;
