import {
  HttpErrorResponse,
  type HttpInterceptorFn,
} from '@angular/common/http';
import { computed, inject, Injectable, signal } from '@angular/core';
import { finalize, retry, tap, throwError, timer } from 'rxjs';

/** Retries of one request after a 429 before its page shows the error. */
export const MAX_RATE_LIMIT_RETRIES = 3;
/** Waits longer than this are not worth holding a page for: the page shows the error instead. */
const MAX_WAIT_SECONDS = 60;
const DEFAULT_WAIT_SECONDS = 5;

/** `Retry-After` in seconds (an integer, or an HTTP date); the default when absent or unreadable. */
export function retryAfterSeconds(
  header: string | null,
  now = Date.now(),
): number {
  if (header === null) return DEFAULT_WAIT_SECONDS;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Math.max(1, Number(trimmed));
  const date = Date.parse(trimmed);
  return Number.isNaN(date)
    ? DEFAULT_WAIT_SECONDS
    : Math.max(1, Math.ceil((date - now) / 1000));
}

/** What the shell shows while the api is rate-limiting this tenant (one banner for every waiting request). */
@Injectable({ providedIn: 'root' })
export class RateLimitNotice {
  private readonly waiting = signal(0);
  private readonly seconds = signal(0);
  readonly active = computed(() => this.waiting() > 0);
  readonly retryInSeconds = this.seconds.asReadonly();

  waitStarted(seconds: number): void {
    this.waiting.update((n) => n + 1);
    this.seconds.set(seconds);
  }

  waitEnded(): void {
    this.waiting.update((n) => Math.max(0, n - 1));
  }
}

/**
 * Backs off on 429: waits what the api's `Retry-After` says (doubling on each further 429 of the same request) and
 * retries, at most MAX_RATE_LIMIT_RETRIES times, while the shell says why the page is waiting. A wait longer than a
 * minute, or a fourth 429, reaches the page as the error it is (its message names the limit).
 */
export const rateLimitInterceptor: HttpInterceptorFn = (request, next) => {
  const notice = inject(RateLimitNotice);
  let waits = 0;
  return next(request).pipe(
    retry({
      count: MAX_RATE_LIMIT_RETRIES,
      delay: (error: unknown, attempt: number) => {
        if (!(error instanceof HttpErrorResponse) || error.status !== 429)
          return throwError(() => error);
        const seconds =
          retryAfterSeconds(error.headers.get('Retry-After')) *
          2 ** (attempt - 1);
        if (seconds > MAX_WAIT_SECONDS) return throwError(() => error);
        notice.waitStarted(seconds);
        waits += 1;
        return timer(seconds * 1000).pipe(
          tap(() => {
            notice.waitEnded();
            waits -= 1;
          }),
        );
      },
    }),
    finalize(() => {
      // Unsubscribed (navigation) in the middle of a wait.
      for (; waits > 0; waits -= 1) notice.waitEnded();
    }),
  );
};
