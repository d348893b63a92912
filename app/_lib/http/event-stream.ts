// The one way this server sends server-sent events (the lab view, live checks, a cohort's
// dashboard): the headers that keep proxies from buffering or caching, a heartbeat comment
// that keeps idle connections open, a periodic "may this listener still listen?" (a sign-out,
// a demotion) and one close that runs every clean-up once, whoever closes first: the browser
// (abort, cancel), the stream's owner, or a failed write.
import "server-only";

export const EVENT_STREAM_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-store, no-transform",
  connection: "keep-alive",
  "x-accel-buffering": "no",
} as const;

export const HEARTBEAT_MS = 15_000;

export interface EventSink {
  /** One event: `event: <name>` and its data as JSON. Does nothing once the stream is closed. */
  event(name: string, data: unknown): void;
  /** Text already in SSE form (a frame encoded and checked by its own module). */
  write(text: string): void;
  /** Ends the stream and runs every clean-up, once. */
  close(): void;
  readonly closed: boolean;
}

export interface EventStreamOptions {
  /** The request's signal: the browser going away closes the stream. */
  signal: AbortSignal;
  heartbeatMs?: number;
  /**
   * Asked every `recheckMs` while open: false ends the stream (after `onRevoked` sent its last
   * frame). A rejection is no verdict (the database was busy): asked again next time.
   */
  stillAllowed?: () => Promise<boolean>;
  recheckMs?: number;
  onRevoked?: (sink: EventSink) => void;
  onRecheckError?: (error: unknown) => void;
  /** Subscribes and sends the first frames; returns what to undo at close. */
  start(sink: EventSink): void | (() => void) | Promise<void | (() => void)>;
}

export function openEventStream(options: EventStreamOptions): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const cleanups: (() => void)[] = [];
  let closed = false;
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | undefined;

  const close = () => {
    if (closed) return;
    closed = true;
    for (const fn of cleanups.splice(0)) fn();
    try {
      controllerRef?.close();
    } catch {
      // already closed by the browser
    }
  };
  const write = (text: string) => {
    if (closed || !controllerRef) return;
    try {
      controllerRef.enqueue(encoder.encode(text));
    } catch {
      close(); // the browser went away between two frames
    }
  };
  const sink: EventSink = {
    event: (name, data) => write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`),
    write,
    close,
    get closed() {
      return closed;
    },
  };

  return new ReadableStream<Uint8Array>({
    async start(controller) {
      controllerRef = controller;
      const heartbeat = setInterval(() => write(": heartbeat\n\n"), options.heartbeatMs ?? HEARTBEAT_MS);
      cleanups.push(() => clearInterval(heartbeat));
      if (options.stillAllowed) {
        const stillAllowed = options.stillAllowed;
        const recheck = setInterval(() => {
          stillAllowed().then(
            (allowed) => {
              if (allowed || closed) return;
              options.onRevoked?.(sink);
              close();
            },
            (error: unknown) => options.onRecheckError?.(error),
          );
        }, options.recheckMs ?? HEARTBEAT_MS);
        cleanups.push(() => clearInterval(recheck));
      }
      if (options.signal.aborted) return close();
      options.signal.addEventListener("abort", close);
      cleanups.push(() => options.signal.removeEventListener("abort", close));
      const undo = await options.start(sink);
      if (!undo) return;
      // A stream closed while start was still subscribing undoes the subscription at once.
      if (closed) undo();
      else cleanups.push(undo);
    },
    cancel: close,
  });
}

export function eventStreamResponse(stream: ReadableStream<Uint8Array>): Response {
  return new Response(stream, { headers: EVENT_STREAM_HEADERS });
}
