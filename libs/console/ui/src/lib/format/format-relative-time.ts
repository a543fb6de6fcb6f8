const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How long ago `iso` was, compactly: "just now", "3 min ago", "5 h ago", "2 d ago". */
export function formatRelativeTime(iso: string, nowMs: number): string {
  const elapsed = nowMs - Date.parse(iso);
  if (Number.isNaN(elapsed)) {
    return '—';
  }
  // A small negative value is clock skew between api and browser, not a future run.
  if (elapsed < MINUTE) {
    return 'just now';
  }
  if (elapsed < HOUR) {
    return `${Math.floor(elapsed / MINUTE)} min ago`;
  }
  if (elapsed < DAY) {
    return `${Math.floor(elapsed / HOUR)} h ago`;
  }
  return `${Math.floor(elapsed / DAY)} d ago`;
}

/** Age of the data on screen: "updated 4 s ago", "updated 2 min ago". */
export function formatUpdatedAgo(updatedAtMs: number, nowMs: number): string {
  const seconds = Math.max(0, Math.floor((nowMs - updatedAtMs) / SECOND));
  if (seconds < 60) {
    return `updated ${seconds} s ago`;
  }
  return `updated ${Math.floor(seconds / 60)} min ago`;
}
