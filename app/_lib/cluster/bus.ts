// The cluster bus: small messages (ids, outcomes) from whichever kubelab server made a change
// to every server that shows it (a dashboard's stream, a learner's lab panel). Chosen by the
// database, like everything shared: on SQLite there is one server process, and the bus is an
// in-process emitter that delivers at once, as before; on PostgreSQL several servers may share
// the database, and the bus is LISTEN/NOTIFY (postgres-bus.ts), which delivers to every server,
// this one included. Payloads are small by design (NOTIFY takes under 8000 bytes): receivers
// read anything larger from the database. Every payload a server receives is checked with the
// channel's zod schema. Not server-only: server.ts builds the lab runtime under tsx.
import { EventEmitter } from "node:events";
import type { z } from "zod";

export interface BusChannel<T> {
  /** Sends to every subscriber of this channel on every server (this one included). */
  publish(message: T): Promise<void>;
  /** Called for each message; a throwing listener breaks neither the publisher nor other listeners. */
  subscribe(listener: (message: T) => void): () => void;
}

export interface ClusterBus {
  readonly kind: "in-process" | "postgresql";
  /** The channel of this name; asking twice gives the same one. */
  channel<T>(name: string, schema: z.ZodType<T>): BusChannel<T>;
  /**
   * Called when this server may have missed messages (its listening session was down and is
   * back): whoever shows something read again what they show. Never, in-process.
   */
  onMissed(listener: () => void): () => void;
  close(): Promise<void>;
}

/** Channel names travel in every message: short, and safe in logs. */
export const CHANNEL_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/** Local delivery for both buses: one emitter per channel, listeners isolated from each other. */
export class LocalChannels {
  private readonly channels = new Map<string, { schema: z.ZodType<unknown>; emitter: EventEmitter }>();

  open<T>(name: string, schema: z.ZodType<T>): { schema: z.ZodType<T>; emitter: EventEmitter } {
    if (!CHANNEL_NAME.test(name)) throw new Error(`bus channel names are short lowercase words; got ${JSON.stringify(name)}`);
    let channel = this.channels.get(name);
    if (!channel) {
      // One listener per open stream; many are expected, none is a leak.
      channel = { schema: schema as z.ZodType<unknown>, emitter: new EventEmitter().setMaxListeners(0) };
      this.channels.set(name, channel);
    }
    return channel as { schema: z.ZodType<T>; emitter: EventEmitter };
  }

  find(name: string): { schema: z.ZodType<unknown>; emitter: EventEmitter } | undefined {
    return this.channels.get(name);
  }

  subscribe<T>(emitter: EventEmitter, listener: (message: T) => void): () => void {
    const safe = (message: T) => {
      try {
        listener(message);
      } catch {
        /* the listener's own problem */
      }
    };
    emitter.on("message", safe);
    return () => emitter.off("message", safe);
  }
}

/** One server process: messages go straight to this process's listeners, synchronously. */
export class InProcessBus implements ClusterBus {
  readonly kind = "in-process";
  private readonly local = new LocalChannels();

  channel<T>(name: string, schema: z.ZodType<T>): BusChannel<T> {
    const { emitter } = this.local.open(name, schema);
    return {
      publish: (message) => {
        emitter.emit("message", message);
        return Promise.resolve();
      },
      subscribe: (listener) => this.local.subscribe(emitter, listener),
    };
  }

  onMissed(): () => void {
    return () => undefined;
  }

  async close(): Promise<void> {}
}
