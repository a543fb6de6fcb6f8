const MINUTES_PER_HOUR = 60;
const MINUTES_PER_DAY = 24 * MINUTES_PER_HOUR;

/**
 * Lag as compact text: "0 min", "2 min", "3 h 10 min", "2 d 4 h"; "—" when there is no lag to report.
 * Fractions are floored: a lag of 4.9 min is "4 min", still under the 5-minute threshold.
 */
export function formatLag(lagMinutes: number | null): string {
  if (lagMinutes === null || !Number.isFinite(lagMinutes)) {
    return '—';
  }
  const total = Math.max(0, Math.floor(lagMinutes));
  if (total < MINUTES_PER_HOUR) {
    return `${total} min`;
  }
  if (total < MINUTES_PER_DAY) {
    const hours = Math.floor(total / MINUTES_PER_HOUR);
    const minutes = total % MINUTES_PER_HOUR;
    return minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
  }
  const days = Math.floor(total / MINUTES_PER_DAY);
  const hours = Math.floor((total % MINUTES_PER_DAY) / MINUTES_PER_HOUR);
  return hours === 0 ? `${days} d` : `${days} d ${hours} h`;
}
