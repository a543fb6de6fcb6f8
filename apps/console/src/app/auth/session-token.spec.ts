import { TestBed } from '@angular/core/testing';

import { SessionToken } from './session-token';

describe(SessionToken.name, () => {
  let sessionToken: SessionToken;

  beforeEach(() => {
    sessionStorage.clear();
    sessionToken = TestBed.inject(SessionToken);
  });

  afterEach(() => history.replaceState(null, '', '/'));

  describe('captureFromUrl', () => {
    it('moves #token=… into sessionStorage and removes it from the address bar', () => {
      history.replaceState(
        null,
        '',
        '/data/scheduler?view=all#token=eyJhbGciOiJIUzI1NiJ9.e30.sig',
      );

      sessionToken.captureFromUrl();

      expect(sessionStorage.getItem('flow.sessionToken')).toBe(
        'eyJhbGciOiJIUzI1NiJ9.e30.sig',
      );
      expect(sessionToken.read()).toBe('eyJhbGciOiJIUzI1NiJ9.e30.sig');
      expect(location.hash).toBe('');
      expect(location.pathname + location.search).toBe(
        '/data/scheduler?view=all',
      );
      expect(location.href).not.toContain('token');
    });

    it('keeps other fragment parameters', () => {
      history.replaceState(null, '', '/data/scheduler#token=abc&tab=lag');
      sessionToken.captureFromUrl();
      expect(location.hash).toBe('#tab=lag');
    });

    it('leaves the URL and a stored token alone when the fragment has no token', () => {
      sessionStorage.setItem('flow.sessionToken', 'from-earlier');
      history.replaceState(null, '', '/data/scheduler#section');
      sessionToken.captureFromUrl();
      expect(location.hash).toBe('#section');
      expect(sessionToken.read()).toBe('from-earlier');
    });

    it('replaces an older token with the new link', () => {
      sessionStorage.setItem('flow.sessionToken', 'old');
      history.replaceState(null, '', '/data/scheduler#token=new');
      sessionToken.captureFromUrl();
      expect(sessionToken.read()).toBe('new');
    });
  });

  describe('read', () => {
    it('is null without a token', () => {
      expect(sessionToken.read()).toBeNull();
    });

    it('falls back to memory when sessionStorage is blocked', () => {
      const setItem = jest
        .spyOn(Storage.prototype, 'setItem')
        .mockImplementation(() => {
          throw new DOMException('blocked', 'SecurityError');
        });
      const getItem = jest
        .spyOn(Storage.prototype, 'getItem')
        .mockImplementation(() => {
          throw new DOMException('blocked', 'SecurityError');
        });
      history.replaceState(null, '', '/data/scheduler#token=mem');
      sessionToken.captureFromUrl();
      expect(sessionToken.read()).toBe('mem');
      expect(location.hash).toBe('');
      setItem.mockRestore();
      getItem.mockRestore();
    });
  });
});
