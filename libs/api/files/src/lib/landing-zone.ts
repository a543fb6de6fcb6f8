import { createReadStream } from 'node:fs';
import {
  lstat,
  mkdir,
  open,
  readdir,
  realpath,
  rename,
  rm,
} from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';

import { Inject, Injectable } from '@nestjs/common';

import { FLOW_CONFIG, type FlowConfig } from '@flow/api/core';
import {
  filePatternBase,
  filePatternMatcher,
  filePatternProblem,
} from '@flow/pipeline-ir';

/** A file of a tenant's landing directory, by its path relative to it (`orders/2026-12-01.csv`). */
export interface LandingFile {
  path: string;
  size: number;
  mtimeMs: number;
}

/** Where a handled file goes: `.processed/` after its run committed, `.failed/` when the run refused it. */
export type LandingOutcome = '.processed' | '.failed';

/** At most this many directory entries are looked at per listing (a landing dir is a drop zone, not an archive). */
export const MAX_LISTED_ENTRIES = 10_000;

/**
 * The landing zone's storage (DESIGN §15): `FLOW_LANDING_DIR/<tenant slug>/`, a local directory (an SFTP drop or a
 * mounted bucket). Kept behind this interface so object storage can follow; every path is relative to the
 * tenant's directory and never leaves it (no `..`, no symlink out).
 */
export interface LandingStorage {
  /** The tenant's files matching `pattern`, oldest name first; dot-directories (`.processed`, `.failed`) excluded. */
  list(tenantSlug: string, pattern: string): Promise<LandingFile[]>;
  /** The current size of a file, or null when it is gone. */
  stat(tenantSlug: string, path: string): Promise<LandingFile | null>;
  /** The file's bytes. */
  read(tenantSlug: string, path: string): AsyncIterable<Buffer>;
  /** Moves a handled file to `.processed/<path>` or `.failed/<path>`; returns where it went (relative). */
  move(tenantSlug: string, path: string, to: LandingOutcome): Promise<string>;
  /** A writer of raw lines that becomes `.failed/<path>` on `keep()` (the lines of `path` that did not parse). */
  failedLines(
    tenantSlug: string,
    path: string,
    runId: string,
  ): FailedLinesWriter;
}

export interface FailedLinesWriter {
  write(raw: string): Promise<void>;
  readonly count: number;
  /** Puts the lines in place (`.failed/<path>`, or a suffixed name if one exists); returns the relative path. */
  keep(): Promise<string | null>;
  discard(): Promise<void>;
}

export const LANDING_STORAGE = Symbol('LANDING_STORAGE');

/** {@link LandingStorage} on the local file system. */
@Injectable()
export class LocalLandingZone implements LandingStorage {
  private readonly root: string;

  constructor(@Inject(FLOW_CONFIG) config: Pick<FlowConfig, 'landingDir'>) {
    this.root = resolve(config.landingDir);
  }

  /** The tenant's landing directory (absolute). */
  tenantDir(tenantSlug: string): string {
    return join(this.root, tenantSlug);
  }

  /** Creates the tenant's landing directory (and the root) if missing. */
  async ensureTenantDir(tenantSlug: string): Promise<string> {
    const dir = this.tenantDir(tenantSlug);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  async list(tenantSlug: string, pattern: string): Promise<LandingFile[]> {
    if (filePatternProblem(pattern)) return [];
    const tenantDir = this.tenantDir(tenantSlug);
    const matches = filePatternMatcher(pattern);
    const depth = pattern.split('/').length;
    const base = filePatternBase(pattern);
    const found: LandingFile[] = [];
    let budget = MAX_LISTED_ENTRIES;
    const walk = async (relDir: string, level: number): Promise<void> => {
      let entries;
      try {
        entries = await readdir(join(tenantDir, relDir), {
          withFileTypes: true,
        });
      } catch {
        return;
      }
      for (const entry of entries) {
        if (--budget < 0) return;
        if (entry.name.startsWith('.')) continue;
        const rel = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
        if (entry.isDirectory() && level + 1 < depth)
          await walk(rel, level + 1);
        else if (entry.isFile() && level + 1 === depth && matches(rel)) {
          const file = await this.stat(tenantSlug, rel);
          if (file) found.push(file);
        }
      }
    };
    await walk(base, base === '' ? 0 : base.split('/').length);
    return found.sort((a, b) =>
      a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
    );
  }

  async stat(tenantSlug: string, path: string): Promise<LandingFile | null> {
    const absolute = await this.inside(tenantSlug, path);
    if (!absolute) return null;
    try {
      const stats = await lstat(absolute);
      return stats.isFile()
        ? { path, size: stats.size, mtimeMs: stats.mtimeMs }
        : null;
    } catch {
      return null;
    }
  }

  async *read(tenantSlug: string, path: string): AsyncIterable<Buffer> {
    const absolute = await this.inside(tenantSlug, path);
    if (!absolute)
      throw new Error(`${path} is not a file of the landing directory`);
    yield* createReadStream(absolute, {
      highWaterMark: 256 * 1024,
    }) as AsyncIterable<Buffer>;
  }

  async move(
    tenantSlug: string,
    path: string,
    to: LandingOutcome,
  ): Promise<string> {
    const absolute = await this.inside(tenantSlug, path);
    if (!absolute)
      throw new Error(`${path} is not a file of the landing directory`);
    const target = await this.freeName(tenantSlug, `${to}/${path}`);
    await mkdir(dirname(join(this.tenantDir(tenantSlug), target)), {
      recursive: true,
    });
    await rename(absolute, join(this.tenantDir(tenantSlug), target));
    return target;
  }

  failedLines(
    tenantSlug: string,
    path: string,
    runId: string,
  ): FailedLinesWriter {
    const tenantDir = this.tenantDir(tenantSlug);
    const staging = join(
      tenantDir,
      '.failed',
      `.${runId}.${path.replace(/\//g, '__')}.partial`,
    );
    let handle: Awaited<ReturnType<typeof open>> | null = null;
    let count = 0;
    const close = async () => {
      const current = handle;
      handle = null;
      await current?.close();
    };
    return {
      get count() {
        return count;
      },
      write: async (raw) => {
        if (!handle) {
          await mkdir(dirname(staging), { recursive: true });
          handle = await open(staging, 'w');
        }
        count += 1;
        await handle.write(`${raw}\n`);
      },
      keep: async () => {
        if (count === 0) return null;
        await close();
        const target = await this.freeName(tenantSlug, `.failed/${path}`);
        await mkdir(dirname(join(tenantDir, target)), { recursive: true });
        await rename(staging, join(tenantDir, target));
        return target;
      },
      discard: async () => {
        await close();
        await rm(staging, { force: true });
      },
    };
  }

  /** The absolute path of `path` if it is inside the tenant's directory once symlinks are resolved. */
  private async inside(
    tenantSlug: string,
    path: string,
  ): Promise<string | null> {
    if (path.split('/').some((segment) => segment === '..' || segment === ''))
      return null;
    const tenantDir = this.tenantDir(tenantSlug);
    const absolute = join(tenantDir, path);
    try {
      const [real, realRoot] = await Promise.all([
        realpath(absolute),
        realpath(tenantDir),
      ]);
      return relative(realRoot, real).split(sep)[0] !== '..' &&
        real.startsWith(realRoot + sep)
        ? absolute
        : null;
    } catch {
      return null;
    }
  }

  /** `name`, or `name.1`, `name.2`… when taken (the same file name can arrive again). */
  private async freeName(tenantSlug: string, name: string): Promise<string> {
    for (let n = 0; n < 1_000; n++) {
      const candidate = n === 0 ? name : `${name}.${n}`;
      try {
        await lstat(join(this.tenantDir(tenantSlug), candidate));
      } catch {
        return candidate;
      }
    }
    throw new Error(`no free name for ${name} in the landing directory`);
  }
}
