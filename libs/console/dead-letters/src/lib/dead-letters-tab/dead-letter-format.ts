import { HttpErrorResponse } from '@angular/common/http';

import type { DeadLetter, ErrorResponse, RunStatus } from '@flow/contracts';

/** A value as a user reads it in one line: strings bare, everything else as JSON. */
function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value);
}

/** The rejected row in one line, in the stored row's key order: `id: 7 · amount: -2.33 · method: card`. */
export function compactRow(row: DeadLetter['row']): string {
  return Object.entries(row)
    .map(([column, value]) => `${column}: ${formatValue(value)}`)
    .join(' · ');
}

/** The row key per source node: `payments.id = 7`; several sources or columns joined by commas; `—` when none. */
export function formatRowKey(rowKey: DeadLetter['rowKey']): string {
  if (!rowKey) return '—';
  const parts = Object.entries(rowKey).flatMap(([source, key]) =>
    Object.entries(key).map(
      ([column, value]) => `${source}.${column} = ${formatValue(value)}`,
    ),
  );
  return parts.length > 0 ? parts.join(', ') : '—';
}

/** What the Dead letters tab says about a replay: `tone` colours the banner, the text says it all. */
export interface ReplayOutcome {
  kind:
    | 'queued'
    | 'running'
    | 'succeeded'
    | 'failed'
    | 'nothing-to-replay'
    | 'refused'
    | 'error';
  tone: 'info' | 'success' | 'error';
  title: string;
  /** Per field for a 400 (`ir.nodes[0].key: source "orders" has no key…`), else the message. */
  details: string[];
  runId: string | null;
}

function errorBody(error: HttpErrorResponse): ErrorResponse | null {
  const body = error.error as ErrorResponse | null;
  return body && typeof body === 'object' && typeof body.message === 'string'
    ? body
    : null;
}

/** The api's answer to a replay request that was not accepted: 409 nothing open, 400 the pipeline cannot replay. */
export function replayRefusal(error: unknown): ReplayOutcome {
  const base = { runId: null };
  if (!(error instanceof HttpErrorResponse))
    return {
      ...base,
      kind: 'error',
      tone: 'error',
      title: 'The replay could not be requested',
      details: ['Unexpected error'],
    };
  const body = errorBody(error);
  if (error.status === 409)
    return {
      ...base,
      kind: 'nothing-to-replay',
      tone: 'info',
      title: 'Nothing to replay',
      details: [body?.message ?? 'no open dead letter can be replayed'],
    };
  if (error.status === 400)
    return {
      ...base,
      kind: 'refused',
      tone: 'error',
      title: 'This pipeline cannot replay its dead letters',
      details: body?.details?.length
        ? body.details.map((detail) => `${detail.path}: ${detail.message}`)
        : [body?.message ?? 'the request was refused'],
    };
  const reason =
    error.status === 0
      ? 'the api cannot be reached'
      : error.status === 401
        ? 'your session has expired'
        : `${body?.message ?? (error.statusText || 'request failed')} (${error.status})`;
  return {
    ...base,
    kind: 'error',
    tone: 'error',
    title: 'The replay could not be requested',
    details: [reason],
  };
}

/** A replay run's progress, from its status; `open` is how many letters are still open once it finished. */
export function replayProgress(
  runId: string,
  status: RunStatus,
  run: { rowsWritten: number | null; error: string | null },
  open: number | null,
): ReplayOutcome {
  const base = { runId, details: [] as string[] };
  switch (status) {
    case 'queued':
      return {
        ...base,
        kind: 'queued',
        tone: 'info',
        title: 'Replay queued: waiting for a worker',
      };
    case 'running':
      return {
        ...base,
        kind: 'running',
        tone: 'info',
        title: 'Replay running…',
      };
    case 'succeeded': {
      const written = run.rowsWritten ?? 0;
      return {
        ...base,
        kind: 'succeeded',
        tone: 'success',
        title: `Replay succeeded: ${written.toLocaleString('en-GB')} row${written === 1 ? '' : 's'} written`,
        details:
          open === null
            ? []
            : [
                open === 0
                  ? 'No dead letter is open any more.'
                  : `${open.toLocaleString('en-GB')} still open: their rows were rejected again (attempts + 1).`,
              ],
      };
    }
    default:
      return {
        ...base,
        kind: 'failed',
        tone: 'error',
        title: `Replay ${status}`,
        details: run.error ? [run.error] : [],
      };
  }
}
