import {
  Inject,
  Injectable,
  Logger,
  OnApplicationShutdown,
} from '@nestjs/common';
import {
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

import { FLOW_CONFIG, type FlowConfig } from '@flow/api/core';

type NatsConnection = Awaited<ReturnType<typeof connect>>;

/** The NATS connection with JetStream, shared by the stream worker and the stream status. */
export interface BrokerSession {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
}

const CONNECT_TIMEOUT_MS = 2_000;

/**
 * One NATS connection per process, opened on first use and reconnecting for ever once open (DESIGN §16: with the
 * broker unreachable the api still starts, and the status reports it down). `onReconnect` listeners run after
 * every reconnect: consumers whose deliveries may have been lost start again from the committed offset.
 */
@Injectable()
export class StreamBroker implements OnApplicationShutdown {
  private readonly logger = new Logger('StreamBroker');
  private session: Promise<BrokerSession> | null = null;
  private readonly reconnectListeners = new Set<() => void>();

  constructor(@Inject(FLOW_CONFIG) private readonly config: FlowConfig) {}

  /** The open session; rejects when the broker cannot be reached now (the next call tries again). */
  get(): Promise<BrokerSession> {
    this.session ??= this.open().catch((error: unknown) => {
      this.session = null;
      throw error;
    });
    return this.session;
  }

  /** Whether the connection is up (false before the first successful connect). */
  async isUp(): Promise<boolean> {
    try {
      const { nc } = await this.get();
      return (
        !nc.isClosed() &&
        !nc.isDraining() &&
        nc.info !== undefined &&
        !this.disconnected
      );
    } catch {
      return false;
    }
  }

  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  async close(): Promise<void> {
    const session = this.session;
    this.session = null;
    if (!session) return;
    const { nc } = await session.catch(() => ({ nc: null }));
    if (nc && !nc.isClosed()) {
      await nc.flush().catch(() => undefined);
      await nc.close().catch(() => undefined);
    }
  }

  private disconnected = false;

  private async open(): Promise<BrokerSession> {
    const nc = await connect({
      servers: this.config.natsUrl.split(','),
      name: 'flow',
      timeout: CONNECT_TIMEOUT_MS,
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    });
    this.disconnected = false;
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'disconnect') {
          this.disconnected = true;
          this.logger.warn('NATS disconnected; reconnecting');
        } else if (status.type === 'reconnect') {
          this.disconnected = false;
          this.logger.log('NATS reconnected');
          for (const listener of this.reconnectListeners) listener();
        }
      }
    })().catch(() => undefined);
    nc.closed()
      .then(() => {
        if (this.session) this.session = null;
      })
      .catch(() => undefined);
    return { nc, js: jetstream(nc), jsm: await jetstreamManager(nc) };
  }
}
