import { DOCUMENT, Injectable, inject } from '@angular/core';

const STORAGE_KEY = 'flow.sessionToken';
const FRAGMENT_PARAM = 'token';

/**
 * The tenant token from the link `npm start` prints (`…/data/scheduler#token=<JWT>`).
 * Kept in sessionStorage (this tab only, gone when it closes) and removed from the address bar so it does not
 * end up in bookmarks, screenshots or the history list.
 */
@Injectable({ providedIn: 'root' })
export class SessionToken {
  private readonly document = inject(DOCUMENT);
  /** Used when sessionStorage is unavailable (blocked storage, some private modes). */
  private memoryToken: string | null = null;

  /** Moves `#token=…` from the URL into storage; other fragment parameters stay. Call once at boot. */
  captureFromUrl(): void {
    const window = this.document.defaultView;
    if (!window) {
      return;
    }
    const fragment = new URLSearchParams(
      window.location.hash.replace(/^#/, ''),
    );
    const token = fragment.get(FRAGMENT_PARAM);
    if (!token) {
      return;
    }
    this.store(token);
    fragment.delete(FRAGMENT_PARAM);
    const rest = fragment.toString();
    const { pathname, search } = window.location;
    window.history.replaceState(
      window.history.state,
      '',
      `${pathname}${search}${rest ? `#${rest}` : ''}`,
    );
  }

  /** The token, or null when the console was opened without one (a proxy may authenticate instead). */
  read(): string | null {
    try {
      return (
        this.document.defaultView?.sessionStorage.getItem(STORAGE_KEY) ??
        this.memoryToken
      );
    } catch {
      return this.memoryToken;
    }
  }

  private store(token: string): void {
    this.memoryToken = token;
    try {
      this.document.defaultView?.sessionStorage.setItem(STORAGE_KEY, token);
    } catch {
      // Storage blocked: the in-memory copy lasts until reload.
    }
  }
}
