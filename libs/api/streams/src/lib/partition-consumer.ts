import { Logger } from '@nestjs/common';
import {
  AckPolicy,
  DeliverPolicy,
  type ConsumerMessages,
  type JsMsg,
} from '@nats-io/jetstream';
import { DataSource } from 'typeorm';

import { tenantSchemaName } from '@flow/api/db';
import { CatalogService } from '@flow/api/pipelines';
import { executeTarget } from '@flow/api/runs';
import type { StreamNode } from '@flow/contracts';
import { compileRun } from '@flow/pipeline-ir';

import { parseMessage, type ParsedMessage } from './message-parse';
import { StreamBroker } from './stream-broker';
import type { ParseLetter, StreamingPipelineRow } from './streams.repository';
import { StreamsRepository } from './streams.repository';

export interface StreamWorkerOptions {
  batchMax: number;
  batchMs: number;
  /** How long a delivered, unacknowledged message waits before JetStream redelivers it. */
  ackWaitMs: number;
  statementTimeoutMs: number;
}

export interface PartitionDeps {
  dataSource: DataSource;
  broker: StreamBroker;
  repository: StreamsRepository;
  catalog: CatalogService;
  options: StreamWorkerOptions;
}

const RETRY_MIN_MS = 200;
const RETRY_MAX_MS = 5_000;

/** The durable consumer of one (pipeline, partition): `flow_<pipeline id>_<partition>`. */
export function durableName(pipelineId: string, partition: number): string {
  return `flow_${pipelineId.replace(/-/g, '')}_${partition}`;
}

/**
 * Consumes one partition of a stream pipeline in micro-batches with an exactly-once effect (DESIGN §16):
 * - the committed sequence lives in `stream_offsets`, written in the batch's own transaction; the durable consumer
 *   is (re)created from committed + 1 at every start, so the database, not the broker, decides the position;
 * - a message is taken once: at or below the committed (or an already accepted) sequence it is skipped;
 * - a gap in the consumer's delivery sequence (a delivery lost to a disconnect) ends the session, which starts again
 *   from the committed offset instead of skipping past what was lost;
 * - the batch is acknowledged (AckAll: its last message) only after the commit; a failed transaction is retried
 *   with backoff while its messages stay unacknowledged.
 */
export class PartitionConsumer {
  private readonly logger: Logger;
  private stopping = false;
  private broken = false;
  private buffer: JsMsg[] = [];
  private wake: () => void = () => undefined;
  private done: Promise<void> | null = null;
  private unsubscribe: (() => void) | null = null;
  /** Messages committed by this consumer (for tests and logs). */
  committedMessages = 0;

  constructor(
    private readonly deps: PartitionDeps,
    readonly pipeline: StreamingPipelineRow,
    private readonly node: StreamNode,
    readonly partition: number,
  ) {
    this.logger = new Logger(`Stream ${pipeline.name}#${partition}`);
  }

  get subject(): string {
    return `${this.node.subject}.${this.partition}`;
  }

  start(): void {
    this.unsubscribe = this.deps.broker.onReconnect(() => this.interrupt());
    this.done ??= this.run();
  }

  /** Finishes the batch in flight (commit and ack), then stops; buffered messages stay unacknowledged. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    this.unsubscribe?.();
    await this.done;
  }

  /** Ends the current session after its batch in flight: the next one starts from the committed offset. */
  interrupt(): void {
    this.broken = true;
    this.wake();
  }

  private async run(): Promise<void> {
    let delay = RETRY_MIN_MS;
    while (!this.stopping) {
      try {
        await this.session();
        delay = RETRY_MIN_MS;
      } catch (error) {
        if (this.stopping) break;
        this.logger.warn(
          `session failed, retrying in ${delay} ms: ${messageOf(error)}`,
        );
        await this.sleep(delay);
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
  }

  private async session(): Promise<void> {
    const { js, jsm } = await this.deps.broker.get();
    const committed = await this.deps.repository.committedSeq(
      this.pipeline.id,
      this.partition,
    );
    const durable = durableName(this.pipeline.id, this.partition);
    await jsm.consumers
      .delete(this.node.stream, durable)
      .catch(() => undefined);
    await jsm.consumers.add(this.node.stream, {
      durable_name: durable,
      filter_subject: this.subject,
      ack_policy: AckPolicy.All,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: committed + 1,
      ack_wait: this.deps.options.ackWaitMs * 1_000_000, // nanoseconds
      max_ack_pending: this.deps.options.batchMax * 4,
    });
    const consumer = await js.consumers.get(this.node.stream, durable);
    this.broken = false;
    this.buffer = [];
    let lastDelivery = 0;
    let accepted = committed;
    const messages: ConsumerMessages = await consumer.consume({
      max_messages: this.deps.options.batchMax * 2,
      callback: (message) => {
        if (this.broken) return;
        if (message.info.deliverySequence !== lastDelivery + 1) {
          this.broken = true; // a delivery was lost: start again from the committed offset
          this.wake();
          return;
        }
        lastDelivery = message.info.deliverySequence;
        if (message.seq <= accepted) return; // a redelivery of a message taken already
        accepted = message.seq;
        this.buffer.push(message);
        if (
          this.buffer.length === 1 ||
          this.buffer.length >= this.deps.options.batchMax
        )
          this.wake();
      },
    });
    void messages.closed().then(() => this.interrupt());
    try {
      while (!this.stopping && !this.broken) {
        if (this.buffer.length === 0) {
          await this.waitForWake();
          continue;
        }
        if (this.buffer.length < this.deps.options.batchMax)
          await this.sleep(this.deps.options.batchMs);
        const batch = this.buffer.splice(0, this.deps.options.batchMax);
        await this.commitWithRetry(batch);
      }
    } finally {
      await messages.close().catch(() => undefined);
    }
  }

  private async commitWithRetry(batch: JsMsg[]): Promise<void> {
    let delay = RETRY_MIN_MS;
    for (;;) {
      try {
        await this.commit(batch);
        batch[batch.length - 1].ack();
        return;
      } catch (error) {
        if (this.stopping) throw error;
        this.logger.warn(
          `batch of ${batch.length} failed, retrying in ${delay} ms: ${messageOf(error)}`,
        );
        await this.sleep(delay);
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
  }

  /** Writes the batch through the pipeline's compiled SQL and stores the offset, in one transaction. */
  private async commit(batch: JsMsg[]): Promise<void> {
    const parsed = batch.map((message) => ({
      seq: message.seq,
      result: parseMessage(message.data, this.node.columns),
    }));
    const schema = tenantSchemaName(this.pipeline.tenant_slug);
    const runner = this.deps.dataSource.createQueryRunner();
    await runner.connect();
    let created = false;
    try {
      await runner.startTransaction();
      const manager = runner.manager;
      const control = await this.deps.repository.controlSchema(manager);
      const committed = await this.deps.repository.lockOffset(
        manager,
        control,
        this.pipeline.id,
        this.partition,
      );
      // Another worker may have committed part of this batch while we waited for the lock.
      const fresh = parsed.filter((message) => message.seq > committed);
      if (fresh.length > 0) {
        const rows = fresh.flatMap(({ result }) =>
          result.ok ? [result.row] : [],
        );
        const letters = fresh.flatMap(({ seq, result }) =>
          letterOf(seq, result),
        );
        await runner.query(
          `SELECT set_config('search_path', $1, true), set_config('statement_timeout', $2, true)`,
          [`"${schema}"`, String(this.deps.options.statementTimeoutMs)],
        );
        if (rows.length > 0) {
          const catalog = await this.deps.catalog.get(schema);
          const compiled = compileRun(this.pipeline.ir, catalog, {
            tenantId: this.pipeline.tenant_id,
            pipelineId: this.pipeline.id,
            runId: null,
            deadLetterTable: `${control}.dead_letters`,
            streamBatch: JSON.stringify(rows),
          });
          for (const statement of compiled.statements) {
            if (statement.kind === 'create_table') {
              await runner.query(statement.sql, statement.parameters);
              created = true;
            } else await executeTarget(runner, statement);
          }
        }
        await this.deps.repository.insertParseLetters(
          manager,
          control,
          {
            tenantId: this.pipeline.tenant_id,
            pipelineId: this.pipeline.id,
            nodeId: this.node.id,
            partition: this.partition,
          },
          letters,
        );
        await this.deps.repository.saveOffset(
          manager,
          control,
          this.pipeline.id,
          this.partition,
          fresh[fresh.length - 1].seq,
        );
      }
      await runner.commitTransaction();
      this.committedMessages += fresh.length;
    } catch (error) {
      if (runner.isTransactionActive)
        await runner.rollbackTransaction().catch(() => undefined);
      // A table created or changed meanwhile: read the catalog again on the retry.
      this.deps.catalog.invalidate(schema);
      throw error;
    } finally {
      await runner.release().catch(() => undefined);
      if (created) this.deps.catalog.invalidate(schema);
    }
  }

  private waitForWake(): Promise<void> {
    if (this.stopping || this.broken) return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = () => undefined;
        resolve();
      };
    });
  }

  /** Sleeps `ms`, or less when woken (a full buffer, a stop); the loop is the only waiter. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = () => undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}

function letterOf(seq: number, result: ParsedMessage): ParseLetter[] {
  return result.ok
    ? []
    : [{ seq, reason: result.reason, payload: result.payload }];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
