// The browser end of one terminal: a WebSocket speaking sandbox/terminal/protocol.ts, kept
// alive across drops. It knows nothing of React or xterm.js, so its rules (acknowledge what
// was rendered, ping, back off, never reconnect after a refusal) are tested on their own.
//
// A hidden tab does not send Pause: the server holds the shell for all of a learner's tabs
// when any one pauses, so a tab in the background would freeze the one in front. The
// acknowledgements already bound what a slow (or throttled) tab is sent.
import {
  decodeServer, encodeClient, encodeInput, FrameError, Op, type TerminalSize, type TerminalStatus,
} from "@/sandbox/terminal/protocol";

/** What the terminal shows; `refused` and `exited` wait for the learner to press a button. */
export type ConnectionState =
  | { kind: "connecting" }
  | { kind: "attached" }
  | { kind: "reconnecting"; attempt: number }
  | { kind: "refused"; reason: Refusal }
  | { kind: "exited"; code: number }
  | { kind: "gone"; reason: "lab-ended" | "lab-missing" | "no-session" };

export type Refusal = "token-expired" | "token-invalid" | "forbidden" | "error" | "too-many-terminals" | "signed-out";

export type Ticket = { ok: true; token: string } | { ok: false; reason: "no-session" | "no-lab" };

/** The part of the browser's WebSocket this module uses, so tests can hand in a fake. */
export interface SocketLike {
  binaryType: BinaryType;
  readonly readyState: number;
  onopen: ((ev: Event) => unknown) | null;
  onmessage: ((ev: MessageEvent) => unknown) | null;
  onclose: ((ev: CloseEvent) => unknown) | null;
  onerror: ((ev: Event) => unknown) | null;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
}

export interface ConnectionDeps {
  /** A fresh one-minute token; asked for before every connect, never reused. */
  ticket(): Promise<Ticket>;
  open(token: string, size: TerminalSize): SocketLike;
  size(): TerminalSize;
  /** Hands output to the screen; `rendered` must be called once the screen has drawn it. */
  write(data: Uint8Array, rendered: () => void): void;
  onState(state: ConnectionState): void;
  /** Something the learner should know that does not end the connection (input was dropped). */
  onNotice?(notice: "input-dropped"): void;
}

export const PING_INTERVAL_MS = 10_000;
export const PONG_TIMEOUT_MS = 20_000;
/** Acknowledge at least this often in bytes, and otherwise after a short quiet spell. */
export const ACK_BATCH_BYTES = 16 * 1024;
export const ACK_IDLE_MS = 50;
/** Resizes are sent at most this often (a dragged window fires dozens a second); the last size always goes. */
export const RESIZE_INTERVAL_MS = 100;
const BACKOFF_MS = [500, 1_000, 2_000, 4_000, 8_000, 10_000];
const OPEN = 1;

export function backoffDelay(attempt: number): number {
  return BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)]!;
}

const REFUSALS: readonly string[] = ["token-expired", "token-invalid", "forbidden", "error", "too-many-terminals", "signed-out"] satisfies Refusal[];
const isRefusal = (state: TerminalStatus["state"]): state is Refusal => REFUSALS.includes(state);

export class TerminalConnection {
  private socket?: SocketLike;
  /** Bumped for every socket, so late callbacks of an old one cannot touch the new one. */
  private generation = 0;
  private attempt = 0;
  private state: ConnectionState = { kind: "connecting" };
  /** Set when the server said why it is closing; then the close is not a drop. */
  private final?: ConnectionState;
  private unacked = 0;
  private ackTimer?: ReturnType<typeof setTimeout>;
  private pingTimer?: ReturnType<typeof setInterval>;
  private pongDeadline?: ReturnType<typeof setTimeout>;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private nonce = 0;
  private disposed = false;
  private resizeTimer?: ReturnType<typeof setTimeout>;
  private lastResizeAt = -Infinity;
  private wantedSize?: TerminalSize;

  constructor(private readonly deps: ConnectionDeps) {}

  get current(): ConnectionState {
    return this.state;
  }

  /** First connect, and the learner's "try again" / "new shell" buttons. */
  connect(): void {
    if (this.disposed) return;
    this.attempt = 0;
    this.teardown();
    this.setState({ kind: "connecting" });
    void this.dial();
  }

  input(text: string): void {
    this.sendFrame(encodeInput(text));
  }

  /** Bytes that are not valid text (xterm's onBinary, e.g. some mouse reports). */
  binary(data: string): void {
    const bytes = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) bytes[i] = data.charCodeAt(i) & 0xff;
    this.sendFrame(encodeClient({ op: Op.Input, data: bytes }));
  }

  /** The first resize of a quiet spell goes at once; the rest of a burst as one, with the latest size. */
  resize(size: TerminalSize): void {
    this.wantedSize = size;
    if (this.resizeTimer !== undefined) return;
    const send = () => {
      this.resizeTimer = undefined;
      const next = this.wantedSize;
      this.wantedSize = undefined;
      if (!next) return;
      this.lastResizeAt = Date.now();
      this.sendFrame(encodeClient({ op: Op.Resize, size: next }));
    };
    const wait = this.lastResizeAt + RESIZE_INTERVAL_MS - Date.now();
    if (wait <= 0) send();
    else this.resizeTimer = setTimeout(send, wait);
  }

  /** The page goes away or the lab ended: close quietly and never come back. */
  dispose(): void {
    this.disposed = true;
    this.teardown();
  }

  private setState(state: ConnectionState): void {
    this.state = state;
    this.deps.onState(state);
  }

  private sendFrame(frame: Uint8Array): boolean {
    if (this.state.kind !== "attached" || this.socket?.readyState !== OPEN) return false;
    this.socket.send(frame);
    return true;
  }

  private async dial(): Promise<void> {
    const generation = ++this.generation;
    let ticket: Ticket;
    try {
      ticket = await this.deps.ticket();
    } catch {
      // The page could not reach the server (offline, restarting): a drop like any other.
      if (generation === this.generation && !this.disposed) this.scheduleRetry();
      return;
    }
    if (generation !== this.generation || this.disposed) return;
    if (!ticket.ok) {
      this.setState({ kind: "gone", reason: ticket.reason === "no-lab" ? "lab-missing" : "no-session" });
      return;
    }
    const socket = this.deps.open(ticket.token, this.deps.size());
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    this.final = undefined;
    socket.onmessage = (ev) => {
      if (generation === this.generation) this.onMessage(ev.data, generation);
    };
    socket.onclose = () => {
      if (generation === this.generation) this.onClose();
    };
    // An error is always followed by a close, which decides what happens next.
    socket.onerror = () => undefined;
  }

  private onMessage(data: unknown, generation: number): void {
    if (!(data instanceof ArrayBuffer)) return;
    let frame;
    try {
      frame = decodeServer(new Uint8Array(data));
    } catch (error) {
      if (error instanceof FrameError) return this.socket?.close(4000, "bad frame");
      throw error;
    }
    this.clearPongDeadline();
    switch (frame.op) {
      case Op.Status:
        return this.onStatus(frame.status);
      case Op.Output: {
        const bytes = frame.data.length;
        this.deps.write(frame.data, () => {
          if (generation === this.generation) this.rendered(bytes);
        });
        return;
      }
      case Op.Pong:
        return;
      case Op.Exit:
        this.final = { kind: "exited", code: frame.code };
        return;
    }
  }

  private onStatus(status: TerminalStatus): void {
    if (status.state === "attached") {
      this.attempt = 0;
      this.setState({ kind: "attached" });
      // A shell that already existed (a reload, a second tab) keeps its old size until told.
      this.resize(this.deps.size());
      this.startHeartbeat();
      return;
    }
    if (status.state === "input-dropped") return this.deps.onNotice?.("input-dropped");
    if (status.state === "lab-ended" || status.state === "lab-missing") this.final = { kind: "gone", reason: status.state };
    else if (isRefusal(status.state)) this.final = { kind: "refused", reason: status.state };
  }

  private onClose(): void {
    this.teardown();
    if (this.disposed) return;
    if (this.final) return this.setState(this.final);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    const delay = backoffDelay(this.attempt);
    this.attempt++;
    this.setState({ kind: "reconnecting", attempt: this.attempt });
    this.retryTimer = setTimeout(() => void this.dial(), delay);
  }

  /** Acknowledgements are batched: one per 16 KiB, or after a quiet spell for the rest. */
  private rendered(bytes: number): void {
    this.unacked += bytes;
    if (this.unacked >= ACK_BATCH_BYTES) return this.flushAck();
    if (this.ackTimer === undefined) this.ackTimer = setTimeout(() => this.flushAck(), ACK_IDLE_MS);
  }

  private flushAck(): void {
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    if (this.unacked === 0) return;
    if (this.sendFrame(encodeClient({ op: Op.Ack, bytes: this.unacked }))) this.unacked = 0;
  }

  private startHeartbeat(): void {
    clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => {
      this.nonce = (this.nonce + 1) >>> 0;
      if (!this.sendFrame(encodeClient({ op: Op.Ping, nonce: this.nonce }))) return;
      // Any frame from the server proves the line is alive; silence for this long does not.
      this.pongDeadline ??= setTimeout(() => this.dead(), PONG_TIMEOUT_MS);
    }, PING_INTERVAL_MS);
  }

  private clearPongDeadline(): void {
    clearTimeout(this.pongDeadline);
    this.pongDeadline = undefined;
  }

  /** No answer for too long: the socket may still look open (a sleeping laptop, a NAT). */
  private dead(): void {
    this.teardown();
    if (!this.disposed) this.scheduleRetry();
  }

  /** Forgets the current socket and every timer; the next socket starts from zero. */
  private teardown(): void {
    this.generation++;
    clearTimeout(this.retryTimer);
    clearTimeout(this.ackTimer);
    clearTimeout(this.resizeTimer);
    clearInterval(this.pingTimer);
    this.clearPongDeadline();
    this.ackTimer = this.pingTimer = this.retryTimer = this.resizeTimer = undefined;
    this.wantedSize = undefined;
    this.unacked = 0;
    const socket = this.socket;
    this.socket = undefined;
    if (socket && socket.readyState <= OPEN) {
      socket.onmessage = socket.onclose = socket.onerror = null;
      try {
        socket.close(1000, "leaving");
      } catch {
        // already closing
      }
    }
  }
}
