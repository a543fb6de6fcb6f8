import { HttpClient } from '@angular/common/http';
import { Injectable, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { catchError, of } from 'rxjs';

import type { TenantResponse } from '@flow/contracts';

import { roleFromToken, type ConsoleRole } from './session-claims';
import { SessionToken } from './session-token';

export const TENANT_URL = '/api/v1/tenant';

/** Who is looking: the tenant (from the api) and the role the token claims (display only; the api enforces). */
@Injectable({ providedIn: 'root' })
export class Session {
  private readonly http = inject(HttpClient);

  readonly role = signal<ConsoleRole>(
    roleFromToken(inject(SessionToken).read()),
  ).asReadonly();

  /** The caller's tenant; null while loading or when the api cannot say (the pages show their own errors). */
  readonly tenant = toSignal(
    this.http.get<TenantResponse>(TENANT_URL).pipe(catchError(() => of(null))),
    { initialValue: null },
  );
}
