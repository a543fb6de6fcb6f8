import { Type, type Static } from '@sinclair/typebox';

import { Shape, StringEnum, Uuid } from './schema-builders';

/** DESIGN §12: every role reads; `editor` and `admin` write. A token without the role claim is a `viewer`. */
export const ROLES = ['viewer', 'editor', 'admin'] as const;
export const RoleSchema = StringEnum(ROLES, {
  description:
    'The caller’s role, from the JWT claim `role` (AUTH_ROLE_CLAIM); absent → `viewer`. Writes need `editor` or `admin`.',
});
export type Role = Static<typeof RoleSchema>;

/** The roles that may write (create, update, delete pipelines, replace an IR, queue runs and replays). */
export const WRITE_ROLES: readonly Role[] = ['editor', 'admin'];

/** `GET /tenant`: the caller's tenant (the console's top bar) and the caller's role. */
export const TenantResponseSchema = Shape('TenantResponse', {
  id: Uuid(),
  slug: Type.String({ examples: ['acme'] }),
  name: Type.String({ examples: ['Acme Corporation'] }),
  timezone: Type.String({
    description: 'IANA zone schedules default to.',
    examples: ['Europe/Berlin'],
  }),
  role: RoleSchema,
});
export type TenantResponse = Static<typeof TenantResponseSchema>;
