// Commits announced across servers: a dedicated LISTEN connection (PostgreSQL), with reconnects and a health flag.
import pg from "pg";
import { backoffMs } from "../backoff.js";

/** The channel policy changes are announced on; the payload is an organization id, or `*` for the instance. */
export const POLICY_CHANNEL = "clerk_policy";

/**
 * What a server hears of other servers' commits. While `healthy`, every committed change is heard (in commit
 * order, shortly after the commit); `epoch` moves whenever that guarantee starts or stops holding, so a cache
 * confirmed under an older epoch must confirm again; `seq` moves with every announcement heard.
 */
export interface ChangeFeed {
  readonly healthy: boolean;
  readonly epoch: number;
  readonly seq: number;
  /** Calls `listener` with each announced key (an organization id, or `*`). */
  subscribe(listener: (key: string) => void): void;
  /** Delivers a change this process committed itself, without waiting for the database's echo. */
  announceLocal(key: string): void;
  close(): Promise<void>;
}

/**
 * A LISTEN connection of its own (never one of the pool's, which are shared by transactions). A lost
 * connection makes the feed unhealthy at once (callers fall back to reading versions) and is retried with
 * backoff; the epoch moves on both edges, so what was cached while notifications may have been missed is
 * confirmed against the store before it is trusted again.
 */
export class PostgresChangeFeed implements ChangeFeed {
  healthy = false;
  epoch = 0;
  seq = 0;
  private client: pg.Client | undefined;
  private readonly listeners: ((key: string) => void)[] = [];
  private closed = false;
  private attempts = 0;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly onError: (error: unknown) => void = () => {},
  ) {
    void this.connect();
  }

  subscribe(listener: (key: string) => void): void {
    this.listeners.push(listener);
  }

  announceLocal(key: string): void {
    this.deliver(key);
  }

  private deliver(key: string): void {
    this.seq += 1;
    for (const listener of this.listeners) listener(key);
  }

  private setHealthy(healthy: boolean): void {
    if (this.healthy === healthy) return;
    this.healthy = healthy;
    this.epoch += 1;
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({
      connectionString: this.url,
      keepAlive: true,
      application_name: `clerk-listen:${process.pid}`,
    });
    this.client = client;
    let lost = false;
    const onLost = (error?: unknown) => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = undefined;
      this.setHealthy(false);
      client.removeAllListeners("notification");
      void client.end().catch(() => {});
      if (this.closed) return;
      if (error !== undefined) this.onError(error);
      this.attempts += 1;
      this.retry = setTimeout(() => void this.connect(), backoffMs(this.attempts, 10_000) / 4);
      this.retry.unref();
    };
    client.on("error", onLost);
    client.on("end", () => onLost());
    client.on("notification", (message) => {
      if (message.channel !== POLICY_CHANNEL || message.payload === undefined) return;
      this.deliver(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${POLICY_CHANNEL}`);
      if (lost || this.closed) return;
      this.attempts = 0;
      this.setHealthy(true);
    } catch (error) {
      onLost(error);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.setHealthy(false);
    const client = this.client;
    this.client = undefined;
    if (client) await client.end().catch(() => {});
  }
}
