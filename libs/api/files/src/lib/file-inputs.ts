import { Inject, Injectable, Logger } from '@nestjs/common';
import type { PoolClient } from 'pg';

import type { FileNode, PipelineIr } from '@flow/contracts';

import {
  FileLoader,
  type FileLoadContext,
  type LoadedFile,
} from './file-loader';
import { LANDING_STORAGE, type LandingStorage } from './landing-zone';
import { FileRejectedError } from './line-reader';
import { FileArrivalsRepository } from './watcher/file-arrivals.repository';

/** A run reads at most this many files per file node (the oldest names first); the rest wait for the next run. */
export const MAX_FILES_PER_RUN = 100;

/** The files a run staged, per file node: what to count, and what to do with them once the run is decided. */
export interface StagedFiles {
  files: LoadedFile[];
  /** Parse dead letters per file node id. */
  rejectedByNode: Record<string, number>;
  /** After the run's commit: the files move to `.processed/`, their bad lines to `.failed/<file>`. */
  committed(): Promise<void>;
  /** After a rollback: staged bad lines are dropped; a file refused as a whole moves to `.failed/`. */
  rolledBack(error: unknown): Promise<void>;
}

/**
 * The file sources of a run (DESIGN §15): before the compiled statements run, each `file` node's files are loaded
 * into its stage table in the run's transaction; after the transaction is decided, the files are moved. A file's
 * move happens only after the commit, so a crash in between leaves the file in place and its data committed — the
 * watcher's file identity keeps it from being dispatched again.
 */
@Injectable()
export class FileInputs {
  private readonly logger = new Logger('FileInputs');

  constructor(
    private readonly loader: FileLoader,
    private readonly arrivals: FileArrivalsRepository,
    @Inject(LANDING_STORAGE) private readonly storage: LandingStorage,
  ) {}

  /**
   * Stages every file node of `ir`: `only` (a path per node id, from the file's arrival) or else every file that
   * matches the node's pattern now. Throws {@link FileRejectedError} for a file refused as a whole: the caller rolls
   * back and passes the error to {@link FileInputs.rejected}.
   */
  async stage(
    client: PoolClient,
    ir: PipelineIr,
    context: FileLoadContext & { controlSchema: string; trigger: string },
  ): Promise<StagedFiles> {
    const only =
      context.trigger === 'file'
        ? await this.arrivals.fileOfRun(
            client,
            context.controlSchema,
            context.runId,
          )
        : {};
    const files: LoadedFile[] = [];
    const rejectedByNode: Record<string, number> = {};
    const release = async (error: unknown) => {
      await Promise.all(files.map((file) => file.failedLines.discard()));
      await this.rejected(context.tenantSlug, error);
    };
    try {
      for (const node of ir.nodes) {
        if (node.type !== 'file') continue;
        await this.loader.createStage(client, node);
        for (const path of await this.pathsOf(context.tenantSlug, node, only)) {
          const loaded = await this.loader.load(client, node, path, context);
          files.push(loaded);
          rejectedByNode[node.id] =
            (rejectedByNode[node.id] ?? 0) + loaded.rejected;
        }
      }
    } catch (error) {
      await Promise.all(files.map((file) => file.failedLines.discard()));
      throw error;
    }
    return {
      files,
      rejectedByNode,
      committed: async () => {
        for (const file of files) {
          await this.settle(context.tenantSlug, file);
        }
      },
      rolledBack: release,
    };
  }

  /** After a rollback caused by `error`: a file refused as a whole goes to `.failed/` (nothing of it was written). */
  async rejected(tenantSlug: string, error: unknown): Promise<void> {
    if (!(error instanceof FileRejectedError)) return;
    await this.storage
      .move(tenantSlug, error.file, '.failed')
      .catch((moveError: unknown) =>
        this.logger.warn(
          `could not move ${error.file} to .failed/: ${(moveError as Error).message}`,
        ),
      );
  }

  private async pathsOf(
    tenantSlug: string,
    node: FileNode,
    only: Record<string, string>,
  ): Promise<string[]> {
    const arrived = only[node.id];
    if (arrived !== undefined) {
      if (!(await this.storage.stat(tenantSlug, arrived)))
        throw new FileRejectedError(
          arrived,
          'it is no longer in the landing directory',
        );
      return [arrived];
    }
    const files = await this.storage.list(tenantSlug, node.path);
    return files.slice(0, MAX_FILES_PER_RUN).map((file) => file.path);
  }

  private async settle(tenantSlug: string, file: LoadedFile): Promise<void> {
    try {
      await file.failedLines.keep();
      await this.storage.move(tenantSlug, file.path, '.processed');
    } catch (error) {
      this.logger.warn(
        `run committed, but ${file.path} could not be moved: ${(error as Error).message}`,
      );
    }
  }
}
