import { ValidationFailedError, isUuid } from '@flow/api/core';
import {
  SCHEDULER_STATUS_MAX_LIMIT,
  SCHEDULER_STATUS_SORTS,
  type FieldError,
  type LagLevel,
  type RunStatus,
  type SchedulerStatusSort,
} from '@flow/contracts';

const LAG_LEVELS: readonly LagLevel[] = ['green', 'amber', 'none'];
const RUN_STATUSES: readonly (RunStatus | 'none')[] = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'skipped',
  'none',
];
const Q_MAX_LENGTH = 200;
const OFFSET_MAX = 1_000_000;
const KNOWN_PARAMS = new Set([
  'limit',
  'cursor',
  'offset',
  'sort',
  'order',
  'q',
  'lagLevel',
  'paused',
  'lastRunStatus',
]);

/** A keyset position: the last row's sort value (text, or a number that may be ±Infinity for nulls) and its id. */
export interface StatusCursor {
  value: string | number;
  id: string;
}

/** What narrows the rows; the same for every page and for `matching`. */
export interface StatusFilters {
  /** Case-insensitive substring of the name, the schedule's description or its raw text. */
  q: string | null;
  lagLevel: LagLevel | null;
  paused: boolean | null;
  /** `none`: never ran. */
  lastRunStatus: RunStatus | 'none' | null;
}

/** A request for one page (`limit` present), or for every row at once in name order (today's response). */
export type StatusQuery =
  | { paged: false }
  | {
      paged: true;
      limit: number;
      sort: SchedulerStatusSort;
      order: 'asc' | 'desc';
      filters: StatusFilters;
      cursor: StatusCursor | null;
      offset: number;
    };

type RawQuery = Record<string, unknown>;

/**
 * Parses the status query string. Without `limit` nothing else is accepted (the whole list, as before paging);
 * with it: `sort`, `order`, the filters, and either `cursor` (keyset, from `nextCursor`) or `offset` (random access
 * for a grid that jumps). Every problem is a 400 naming its parameter.
 */
export function parseStatusQuery(raw: RawQuery): StatusQuery {
  const errors: FieldError[] = [];
  for (const key of Object.keys(raw)) {
    if (!KNOWN_PARAMS.has(key))
      errors.push({ path: key, message: 'is not a known parameter' });
  }
  const text = (key: string): string | undefined => {
    const value = raw[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      errors.push({ path: key, message: 'must be given once' });
      return undefined;
    }
    return value;
  };
  const limitText = text('limit');
  if (limitText === undefined) {
    const paging = [...KNOWN_PARAMS].filter(
      (key) => key !== 'limit' && raw[key] !== undefined,
    );
    for (const key of paging)
      errors.push({ path: key, message: 'needs limit (a paged request)' });
    if (errors.length > 0) throw new ValidationFailedError(errors);
    return { paged: false };
  }
  const limit = /^\d{1,4}$/.test(limitText) ? Number(limitText) : NaN;
  if (!(limit >= 1 && limit <= SCHEDULER_STATUS_MAX_LIMIT))
    errors.push({
      path: 'limit',
      message: `must be an integer from 1 to ${SCHEDULER_STATUS_MAX_LIMIT}`,
    });
  const sort = oneOf(
    text('sort') ?? 'name',
    SCHEDULER_STATUS_SORTS,
    'sort',
    errors,
  );
  const order = oneOf(
    text('order') ?? 'asc',
    ['asc', 'desc'] as const,
    'order',
    errors,
  );
  const q = text('q');
  if (q !== undefined && q.length > Q_MAX_LENGTH)
    errors.push({
      path: 'q',
      message: `must be at most ${Q_MAX_LENGTH} characters`,
    });
  const lagLevelText = text('lagLevel');
  const lagLevel =
    lagLevelText === undefined
      ? null
      : oneOf(lagLevelText, LAG_LEVELS, 'lagLevel', errors);
  const pausedText = text('paused');
  let paused: boolean | null = null;
  if (pausedText !== undefined) {
    if (pausedText === 'true' || pausedText === 'false')
      paused = pausedText === 'true';
    else errors.push({ path: 'paused', message: 'must be true or false' });
  }
  const statusText = text('lastRunStatus');
  const lastRunStatus =
    statusText === undefined
      ? null
      : oneOf(statusText, RUN_STATUSES, 'lastRunStatus', errors);
  const offsetText = text('offset');
  let offset = 0;
  if (offsetText !== undefined) {
    offset = /^\d{1,7}$/.test(offsetText) ? Number(offsetText) : NaN;
    if (!(offset >= 0 && offset <= OFFSET_MAX)) {
      errors.push({
        path: 'offset',
        message: `must be an integer from 0 to ${OFFSET_MAX}`,
      });
      offset = 0;
    }
  }
  const cursorText = text('cursor');
  let cursor: StatusCursor | null = null;
  if (cursorText !== undefined && cursorText !== '') {
    if (offsetText !== undefined)
      errors.push({
        path: 'cursor',
        message: 'cannot be combined with offset',
      });
    cursor = decodeStatusCursor(
      cursorText,
      sort ?? 'name',
      order ?? 'asc',
      errors,
    );
  }
  if (errors.length > 0) throw new ValidationFailedError(errors);
  return {
    paged: true,
    limit,
    sort: sort as SchedulerStatusSort,
    order: order as 'asc' | 'desc',
    filters: {
      q: q === undefined || q.trim() === '' ? null : q.trim(),
      lagLevel,
      paused,
      lastRunStatus,
    },
    cursor,
    offset,
  };
}

/** Text sorts carry their value as a string; the others as a number (`Infinity`/`-Infinity` stand for nulls). */
export function isTextSort(sort: SchedulerStatusSort): boolean {
  return sort === 'name' || sort === 'schedule';
}

/** The cursor names its sort and order, so a cursor replayed under another sort is a 400, not a wrong page. */
export function encodeStatusCursor(
  sort: SchedulerStatusSort,
  order: 'asc' | 'desc',
  value: string | number,
  id: string,
): string {
  const v = typeof value === 'number' ? String(value) : value;
  return Buffer.from(
    JSON.stringify({ s: sort, o: order, v, id }),
    'utf8',
  ).toString('base64url');
}

function decodeStatusCursor(
  cursor: string,
  sort: SchedulerStatusSort,
  order: 'asc' | 'desc',
  errors: FieldError[],
): StatusCursor | null {
  let decoded: { s?: unknown; o?: unknown; v?: unknown; id?: unknown } | null;
  try {
    const parsed: unknown = JSON.parse(
      Buffer.from(cursor, 'base64url').toString('utf8'),
    );
    decoded =
      parsed !== null && typeof parsed === 'object'
        ? (parsed as { s?: unknown; o?: unknown; v?: unknown; id?: unknown })
        : null;
  } catch {
    decoded = null;
  }
  if (
    decoded === null ||
    typeof decoded.v !== 'string' ||
    typeof decoded.id !== 'string' ||
    !isUuid(decoded.id)
  ) {
    errors.push({
      path: 'cursor',
      message: 'is not a cursor returned by this endpoint',
    });
    return null;
  }
  if (decoded.s !== sort || decoded.o !== order) {
    errors.push({
      path: 'cursor',
      message: 'belongs to another sort or order',
    });
    return null;
  }
  if (isTextSort(sort)) return { value: decoded.v, id: decoded.id };
  const value = Number(decoded.v);
  if (Number.isNaN(value) || decoded.v.trim() === '') {
    errors.push({
      path: 'cursor',
      message: 'is not a cursor returned by this endpoint',
    });
    return null;
  }
  return { value, id: decoded.id };
}

function oneOf<const T extends string>(
  value: string,
  allowed: readonly T[],
  path: string,
  errors: FieldError[],
): T | null {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  errors.push({ path, message: `must be one of ${allowed.join(', ')}` });
  return null;
}
