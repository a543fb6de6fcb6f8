import { HttpClient } from '@angular/common/http';
import { Injectable, computed, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { catchError, of } from 'rxjs';

import type { TenantResponse } from '@flow/contracts';

import { roleFromToken, type ConsoleRole } from './session-claims';
import { SessionToken } from './session-token';

export const TENANT_URL = '/api/v1/tenant';

/**
 * Who is looking: the tenant and the caller's role, both as the api reads them from the verified token (the claim's
 * name is the api's AUTH_ROLE_CLAIM). Until the api answers, the role is read from the token's `role` claim. The
 * console only hides what a role cannot do; the api enforces it.
 */
@Injectable({ providedIn: 'root' })
export class Session {
  private readonly http = inject(HttpClient);
  private readonly tokenRole = roleFromToken(inject(SessionToken).read());

  /** The caller's tenant; null while loading or when the api cannot say (the pages show their own errors). */
  readonly tenant = toSignal(
    this.http.get<TenantResponse>(TENANT_URL).pipe(catchError(() => of(null))),
    { initialValue: null },
  );

  readonly role = computed<ConsoleRole>(
    () => this.tenant()?.role ?? this.tokenRole,
  );

  /** Editors and admins may change pipelines (DESIGN §12). */
  readonly canWrite = computed(() => this.role() !== 'viewer');
}
