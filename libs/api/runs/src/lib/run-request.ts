import type { FieldError } from '@flow/contracts';

import { isUuid } from '@flow/api/core';

/** A replay may name at most this many letters (the run takes at most `MAX_REPLAY_LETTERS` anyway). */
export const MAX_REPLAY_IDS = 10_000;

/** `POST /pipelines/:id/runs` body: none for a manual run, or a replay of open dead letters (all, or the given ones). */
export type RunRequest =
  | { replay: false }
  | { replay: true; deadLetterIds: string[] | null };

/** Parses the body of `POST /pipelines/:id/runs`; every problem names its field. */
export function parseRunRequest(body: unknown): {
  value?: RunRequest;
  errors: FieldError[];
} {
  if (body === undefined || body === null)
    return { value: { replay: false }, errors: [] };
  if (typeof body !== 'object' || Array.isArray(body))
    return { errors: [{ path: 'body', message: 'must be an object' }] };
  const fields = body as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const key of Object.keys(fields)) {
    if (key !== 'replayDlqOnly' && key !== 'deadLetterIds')
      errors.push({ path: shortKey(key), message: 'unknown field' });
  }
  const replay = fields['replayDlqOnly'];
  if (replay !== undefined && typeof replay !== 'boolean')
    errors.push({ path: 'replayDlqOnly', message: 'must be a boolean' });
  const ids = fields['deadLetterIds'];
  if (ids !== undefined) {
    if (replay !== true)
      errors.push({
        path: 'deadLetterIds',
        message: 'is only allowed with "replayDlqOnly": true',
      });
    else if (!Array.isArray(ids))
      errors.push({ path: 'deadLetterIds', message: 'must be an array' });
    else if (ids.length === 0)
      errors.push({ path: 'deadLetterIds', message: 'must not be empty' });
    else if (ids.length > MAX_REPLAY_IDS)
      errors.push({
        path: 'deadLetterIds',
        message: `must have at most ${MAX_REPLAY_IDS} ids`,
      });
    else
      ids.forEach((id, i) => {
        if (typeof id !== 'string' || !isUuid(id))
          errors.push({
            path: `deadLetterIds[${i}]`,
            message: 'must be a uuid',
          });
      });
  }
  if (errors.length > 0) return { errors: errors.slice(0, 100) };
  if (replay !== true) return { value: { replay: false }, errors };
  return {
    value: {
      replay: true,
      deadLetterIds: Array.isArray(ids)
        ? [...new Set((ids as string[]).map((id) => id.toLowerCase()))]
        : null,
    },
    errors,
  };
}

/** A hostile key is shown JSON-quoted and shortened so the message stays small. */
function shortKey(key: string): string {
  if (/^[A-Za-z_$][A-Za-z0-9_$]{0,62}$/.test(key)) return key;
  return JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key);
}
