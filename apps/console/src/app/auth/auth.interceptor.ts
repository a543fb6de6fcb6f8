import { HttpInterceptorFn } from '@angular/common/http';
import { DOCUMENT, inject } from '@angular/core';

import { SessionToken } from './session-token';

/** True for same-origin requests under `/api/`: the token never leaves for another host or path. */
export function isApiRequest(url: string, baseUri: string): boolean {
  const target = new URL(url, baseUri);
  return (
    target.origin === new URL(baseUri).origin &&
    target.pathname.startsWith('/api/')
  );
}

/** Adds `Authorization: Bearer <token>` to api requests when the console has a token; otherwise sends nothing. */
export const authInterceptor: HttpInterceptorFn = (request, next) => {
  const token = inject(SessionToken).read();
  if (
    !token ||
    request.headers.has('Authorization') ||
    !isApiRequest(request.url, inject(DOCUMENT).baseURI)
  ) {
    return next(request);
  }
  return next(
    request.clone({ setHeaders: { Authorization: `Bearer ${token}` } }),
  );
};
