import { InjectionToken, signal, type Signal } from '@angular/core';

/**
 * Whether the caller may write (an editor or an admin, DESIGN §12): feature libraries hide write actions when not.
 * The app provides it from its session (the role the api reads from the verified token); without a provider, no
 * one writes — least privilege. The console only hides; the api enforces (403).
 */
export const CAN_WRITE = new InjectionToken<Signal<boolean>>('CAN_WRITE', {
  providedIn: 'root',
  factory: () => signal(false).asReadonly(),
});
