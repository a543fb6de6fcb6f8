import { CSP_NONCE, inject } from '@angular/core';

/**
 * The page's CSP nonce (the api serves index.html with a fresh `ngCspNonce` and a policy that allows `<style>`
 * elements carrying it). ag-grid and ag-charts inject their theme styles themselves: pass this as their
 * `styleNonce`, or the browser refuses those styles. Undefined when the page has no nonce (tests, `nx serve`).
 */
export function injectStyleNonce(): string | undefined {
  return inject(CSP_NONCE, { optional: true }) ?? undefined;
}
