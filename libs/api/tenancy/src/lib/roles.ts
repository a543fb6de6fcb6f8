import type { Role } from '@flow/contracts';

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

/** True when `role` may do what `required` allows (admin ⊇ editor ⊇ viewer). */
export function roleSatisfies(role: Role, required: Role): boolean {
  return RANK[role] >= RANK[required];
}

/** The roles that satisfy `required`, for messages: `editor or admin`. */
export function rolesSatisfying(required: Role): Role[] {
  return (Object.keys(RANK) as Role[]).filter((role) =>
    roleSatisfies(role, required),
  );
}
