import { HttpErrorResponse } from '@angular/common/http';

import type { ErrorResponse } from '@flow/contracts';

/** What went wrong loading the status, in words a user can act on. */
export type LoadError =
  | { kind: 'expired' }
  | { kind: 'failed'; message: string };

function isErrorResponse(body: unknown): body is ErrorResponse {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as ErrorResponse).message === 'string'
  );
}

/** Maps a failed request to a LoadError; 401 means the link's token is missing, invalid or expired. */
export function toLoadError(error: unknown): LoadError {
  if (!(error instanceof HttpErrorResponse)) {
    return { kind: 'failed', message: 'Unexpected error' };
  }
  if (error.status === 401) {
    return { kind: 'expired' };
  }
  if (error.status === 0) {
    return { kind: 'failed', message: 'The api cannot be reached' };
  }
  if (error.status === 403) {
    return {
      kind: 'failed',
      message: 'Your token is not valid for any tenant of this api (403)',
    };
  }
  if (error.status === 429) {
    const wait = error.headers.get('Retry-After');
    return {
      kind: 'failed',
      message: `Too many requests: the api is rate-limiting this tenant${wait ? `; try again in ${wait} s` : ''} (429)`,
    };
  }
  const detail = isErrorResponse(error.error)
    ? error.error.message
    : error.statusText || 'request failed';
  return { kind: 'failed', message: `${detail} (${error.status})` };
}
