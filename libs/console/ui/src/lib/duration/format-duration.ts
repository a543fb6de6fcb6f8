/** A duration, compactly: "850 ms", "4.2 s", "3 min 4 s", "2 h 5 min"; "—" when unknown. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0)
    return '—';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const seconds = Math.floor(ms / 1_000);
  if (seconds < 3_600) {
    const rest = seconds % 60;
    return rest === 0
      ? `${Math.floor(seconds / 60)} min`
      : `${Math.floor(seconds / 60)} min ${rest} s`;
  }
  const minutes = Math.floor(seconds / 60);
  const rest = minutes % 60;
  return rest === 0
    ? `${Math.floor(minutes / 60)} h`
    : `${Math.floor(minutes / 60)} h ${rest} min`;
}

/** Milliseconds between two ISO instants; null when either is missing. */
export function durationBetween(
  startIso: string | null,
  endIso: string | null,
): number | null {
  if (!startIso || !endIso) return null;
  const ms = Date.parse(endIso) - Date.parse(startIso);
  return Number.isNaN(ms) ? null : ms;
}
