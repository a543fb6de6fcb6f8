/**
 * A least-recently-used map bounded by entry count and by total size (each entry's `size`, e.g. the bytes of a
 * serialised response): the status caches hold at most a few minutes of a few tenants, never unbounded memory.
 */
export class BoundedCache<V> {
  private readonly entries = new Map<string, { value: V; size: number }>();
  private totalSize = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxSize: number,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Stores `value`; a value larger than the whole budget is not kept. */
  set(key: string, value: V, size = 1): void {
    this.delete(key);
    if (size > this.maxSize) return;
    this.entries.set(key, { value, size });
    this.totalSize += size;
    for (const [oldest, entry] of this.entries) {
      if (
        this.entries.size <= this.maxEntries &&
        this.totalSize <= this.maxSize
      )
        break;
      this.entries.delete(oldest);
      this.totalSize -= entry.size;
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.totalSize -= entry.size;
  }

  get size(): number {
    return this.entries.size;
  }
}
