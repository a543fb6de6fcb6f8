import type { FieldError } from '@flow/contracts';

/**
 * Structural and semantic validation of a schedule document. Returns one error per offending field,
 * each naming its JSON path under `path`; an empty array means the schedule is valid.
 * (Placeholder: the real validation lands with the fire-time engine.)
 */
export function validateSchedule(input: unknown, path: string): FieldError[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return [{ path, message: 'must be an object' }];
  }
  return [];
}
