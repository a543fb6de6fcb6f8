export function schedule(): string {
  return 'schedule';
}
