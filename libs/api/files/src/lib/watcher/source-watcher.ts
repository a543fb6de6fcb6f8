import { createHash } from 'node:crypto';

import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';

import { FLOW_CONFIG, type FlowConfig } from '@flow/api/core';

import { LANDING_STORAGE, type LandingStorage } from '../landing-zone';
import {
  FileArrivalsRepository,
  type WatchedPipeline,
} from './file-arrivals.repository';

/** One active watcher at a time, across processes: a session advisory lock held for a scan ("file"). */
export const WATCHER_LOCK_KEY = 0x66696c65;
/** Files remembered between scans (size stability, already registered); cleared when it grows past this. */
const MAX_REMEMBERED_FILES = 100_000;

/** What one scan did. */
export interface ScanResult {
  /** False when another watcher holds the lock (nothing was done). */
  scanned: boolean;
  /** Runs dispatched, one per newly registered file. */
  dispatched: string[];
  /** Files seen whose size has not been stable for `FILE_SETTLE_MS` yet. */
  settling: number;
}

/**
 * The source watcher (DESIGN §15): for every unpaused pipeline with a file_arrival trigger, the files of its
 * pattern whose size has been stable for `FILE_SETTLE_MS` are registered once — identity (pipeline, path, size,
 * sha256), UNIQUE in `file_arrivals` — each with one queued run, in one transaction. Runs in-process when
 * `FILE_WATCHER_ENABLED` (default in embedded mode) or as `npm run flow -- watcher`.
 */
@Injectable()
export class SourceWatcher
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger('SourceWatcher');
  /** `pipeline|path` → the size and mtime last seen, and since when they have not changed. */
  private readonly seen = new Map<
    string,
    { size: number; mtimeMs: number; since: number }
  >();
  /** `pipeline|path|size|mtime` of files already registered (by this or another watcher): no need to hash again. */
  private readonly registered = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private scanning: Promise<unknown> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly arrivals: FileArrivalsRepository,
    @Inject(LANDING_STORAGE) private readonly storage: LandingStorage,
    @Inject(FLOW_CONFIG)
    private readonly config: Pick<
      FlowConfig,
      'fileSettleMs' | 'fileWatcherEnabled' | 'fileWatcherPollMs'
    >,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.fileWatcherEnabled) this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stop();
    await this.scanning?.catch(() => undefined);
  }

  /** Scans every `FILE_WATCHER_POLL_MS` until stopped. */
  start(): void {
    if (this.timer) return;
    const tick = () => {
      this.scanning = this.scan()
        .catch((error: unknown) =>
          this.logger.warn(`scan failed: ${(error as Error).message}`),
        )
        .finally(() => {
          if (this.timer)
            this.timer = setTimeout(tick, this.config.fileWatcherPollMs);
        });
    };
    this.timer = setTimeout(tick, 0);
    this.logger.log(
      `watching the landing zone every ${this.config.fileWatcherPollMs} ms (files settle for ${this.config.fileSettleMs} ms)`,
    );
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** One pass under the watcher lock; `now` is for tests of the settle time. */
  async scan(now = Date.now()): Promise<ScanResult> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query(
        'SELECT pg_try_advisory_lock($1) AS locked',
        [WATCHER_LOCK_KEY],
      )) as { locked: boolean }[];
      if (!locked) return { scanned: false, dispatched: [], settling: 0 };
      try {
        return { scanned: true, ...(await this.scanPipelines(now)) };
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [WATCHER_LOCK_KEY]);
      }
    } finally {
      await runner.release();
    }
  }

  private async scanPipelines(
    now: number,
  ): Promise<{ dispatched: string[]; settling: number }> {
    if (this.seen.size > MAX_REMEMBERED_FILES) this.seen.clear();
    if (this.registered.size > MAX_REMEMBERED_FILES) this.registered.clear();
    const dispatched: string[] = [];
    let settling = 0;
    for (const pipeline of await this.arrivals.watchedPipelines()) {
      const files = await this.storage.list(
        pipeline.tenant_slug,
        pipeline.path,
      );
      for (const file of files) {
        const key = `${pipeline.pipeline_id}|${file.path}`;
        const identity = `${key}|${file.size}|${file.mtimeMs}`;
        if (this.registered.has(identity)) continue;
        const last = this.seen.get(key);
        if (!last || last.size !== file.size || last.mtimeMs !== file.mtimeMs) {
          this.seen.set(key, {
            size: file.size,
            mtimeMs: file.mtimeMs,
            since: now,
          });
          if (this.config.fileSettleMs > 0) {
            settling += 1;
            continue;
          }
        } else if (now - last.since < this.config.fileSettleMs) {
          settling += 1;
          continue;
        }
        const runId = await this.registerFile(pipeline, file.path, file.size);
        if (runId === undefined) continue;
        this.seen.delete(key);
        this.registered.add(identity);
        if (runId) {
          dispatched.push(runId);
          this.logger.log(
            `file ${pipeline.tenant_slug}/${file.path} arrived: run ${runId} of pipeline ${pipeline.pipeline_id}`,
          );
        }
      }
    }
    return { dispatched, settling };
  }

  /** Hashes and registers a settled file; null when already registered, undefined when it changed or vanished. */
  private async registerFile(
    pipeline: WatchedPipeline,
    path: string,
    size: number,
  ): Promise<string | null | undefined> {
    const hash = createHash('sha256');
    let hashed = 0;
    try {
      for await (const chunk of this.storage.read(pipeline.tenant_slug, path)) {
        hash.update(chunk);
        hashed += chunk.length;
      }
    } catch {
      return undefined;
    }
    if (hashed !== size) return undefined;
    return this.arrivals.register({
      tenantId: pipeline.tenant_id,
      pipelineId: pipeline.pipeline_id,
      nodeId: pipeline.node_id,
      path,
      size,
      sha256: hash.digest('hex'),
    });
  }
}
