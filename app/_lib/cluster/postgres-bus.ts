// The cluster bus on PostgreSQL: LISTEN/NOTIFY. Each server process keeps ONE listening
// session (dedicated-connection.ts; LISTEN belongs to a session, and it is made again with
// back-off when it drops) and sends through a small pool of its own. Every message goes
// through PostgreSQL, also to this process's own listeners, so all servers see the same
// messages in the same order. What arrives is parsed and checked (the envelope, then the
// channel's zod schema) before any listener sees it; anything else is dropped and logged.
// While the listening session is down, messages for this server are lost (NOTIFY keeps
// nothing): when it is back, onMissed listeners are called, and the streams read again what
// they show (a lab view, a dashboard's roster and progress).
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import pg from "pg";
import type { Logger } from "pino";
import { z } from "zod";
import type { BusChannel, ClusterBus } from "./bus";
import { LocalChannels } from "./bus";
import { DedicatedConnection } from "./dedicated-connection";

/** The PostgreSQL channel all of kubelab's messages share (per database, so per installation). */
export const NOTIFY_CHANNEL = "kubelab_bus";
/** NOTIFY refuses payloads of 8000 bytes or more; the envelope needs its share. */
export const MAX_PAYLOAD_BYTES = 7900;

const envelopeSchema = z.strictObject({ channel: z.string().max(32), message: z.unknown() });

export interface PostgresBusOptions {
  url: string;
  log: Logger;
  /** Tells this bus's sessions apart in pg_stat_activity (a test terminates one by it). */
  name?: string;
  firstBackoffMs?: number;
}

export class PostgresBus implements ClusterBus {
  readonly kind = "postgresql";
  readonly listenerName: string;
  private readonly local = new LocalChannels();
  private readonly pool: pg.Pool;
  private readonly listener: DedicatedConnection;
  private readonly log: Logger;
  private readonly missed = new EventEmitter().setMaxListeners(0);
  private listenedBefore = false;

  constructor(o: PostgresBusOptions) {
    this.log = o.log;
    this.listenerName = `kubelab-bus-${o.name ?? randomBytes(4).toString("hex")}`;
    // Sending is one short statement now and then: two connections are plenty.
    this.pool = new pg.Pool({ connectionString: o.url, max: 2, application_name: `${this.listenerName}-send` });
    this.pool.on("error", (error) => this.log.warn({ err: error }, "bus: an idle sending connection failed"));
    this.listener = new DedicatedConnection({
      url: o.url,
      applicationName: this.listenerName,
      log: o.log,
      firstBackoffMs: o.firstBackoffMs,
      onConnect: async (client) => {
        client.on("notification", (n) => {
          if (n.channel === NOTIFY_CHANNEL) this.receive(n.payload);
        });
        await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
        // Listening again after a gap: whatever was sent meanwhile did not arrive here.
        if (this.listenedBefore) setImmediate(() => this.tellMissed());
        this.listenedBefore = true;
      },
    });
  }

  /** Opens the listening session; resolves after the first try (it keeps trying in the background). */
  start(): Promise<void> {
    return this.listener.start();
  }

  /** Resolves once the listening session is up. */
  listening(): Promise<void> {
    return this.listener.connected();
  }

  channel<T>(name: string, schema: z.ZodType<T>): BusChannel<T> {
    const { emitter } = this.local.open(name, schema);
    return {
      publish: (message) => this.send(name, message),
      subscribe: (listener) => this.local.subscribe(emitter, listener),
    };
  }

  onMissed(listener: () => void): () => void {
    this.missed.on("missed", listener);
    return () => this.missed.off("missed", listener);
  }

  async close(): Promise<void> {
    this.missed.removeAllListeners();
    await this.listener.close();
    await this.pool.end().catch(() => undefined);
  }

  private async send(channel: string, message: unknown): Promise<void> {
    const text = JSON.stringify({ channel, message });
    // Ids and small figures only; a larger payload is a mistake of the caller, said plainly.
    if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) {
      throw new Error(`bus message on "${channel}" is ${Buffer.byteLength(text)} bytes; NOTIFY takes under 8000: send ids and read the rest from the database`);
    }
    await this.pool.query("SELECT pg_notify($1, $2)", [NOTIFY_CHANNEL, text]);
  }

  private tellMissed(): void {
    for (const listener of this.missed.listeners("missed") as (() => void)[]) {
      try {
        listener();
      } catch {
        /* the listener's own problem */
      }
    }
  }

  private receive(payload: string | undefined): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload ?? "");
    } catch {
      this.log.warn("bus: dropped a message that is not JSON");
      return;
    }
    const envelope = envelopeSchema.safeParse(parsed);
    if (!envelope.success) {
      this.log.warn("bus: dropped a message without a channel");
      return;
    }
    const channel = this.local.find(envelope.data.channel);
    // Nobody here opened this channel: nothing to deliver.
    if (!channel) return;
    const message = channel.schema.safeParse(envelope.data.message);
    if (!message.success) {
      this.log.warn({ channel: envelope.data.channel, issues: message.error.issues.slice(0, 3) }, "bus: dropped a malformed message");
      return;
    }
    channel.emitter.emit("message", message.data);
  }
}
