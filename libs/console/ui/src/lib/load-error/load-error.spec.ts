import { HttpErrorResponse } from '@angular/common/http';

import { toLoadError } from './load-error';

describe(toLoadError.name, () => {
  it('reads 401 as an expired session', () => {
    expect(toLoadError(new HttpErrorResponse({ status: 401 }))).toEqual({
      kind: 'expired',
    });
  });

  it("uses the api's error message when there is one", () => {
    const error = new HttpErrorResponse({
      status: 500,
      error: {
        statusCode: 500,
        error: 'Internal Server Error',
        message: 'Internal server error',
      },
    });
    expect(toLoadError(error)).toEqual({
      kind: 'failed',
      message: 'Internal server error (500)',
    });
  });

  it('explains an unreachable api and an unknown tenant', () => {
    expect(toLoadError(new HttpErrorResponse({ status: 0 }))).toEqual({
      kind: 'failed',
      message: 'The api cannot be reached',
    });
    expect(toLoadError(new HttpErrorResponse({ status: 403 }))).toMatchObject({
      kind: 'failed',
    });
  });

  it('does not throw on a non-HTTP error', () => {
    expect(toLoadError(new Error('boom'))).toEqual({
      kind: 'failed',
      message: 'Unexpected error',
    });
  });
});
