// The terminal's wire format, shared by the browser and the server. Every WebSocket
// message is binary: one opcode byte, then the payload. Hand-written (after ttyd's design)
// because the format is ten lines of bytes and no library defines it.
//
// Flow control: the server counts output bytes the browser has not yet acknowledged. Above
// HIGH_WATERMARK it stops reading the shell; below LOW_WATERMARK it reads again. The browser
// acknowledges bytes once xterm.js has rendered them, so a flood such as `yes` can never
// queue more than HIGH_WATERMARK in flight, and input (Ctrl-C) is never held back.
//
// Acknowledgements are the browser's word, and a hostile client can forge them. So the server
// also counts what it handed to the socket that the kernel has not taken yet (the socket's
// bufferedAmount): a client that acknowledges without reading fills that, and is held at the
// same watermarks.
import { z } from "zod";

export const Op = {
  // browser → server
  Input: 0x00,
  Resize: 0x01,
  Pause: 0x02,
  Resume: 0x03,
  Ping: 0x04,
  Ack: 0x05,
  // server → browser
  Output: 0x10,
  Pong: 0x11,
  Status: 0x12,
  Exit: 0x13,
} as const;
export type Op = (typeof Op)[keyof typeof Op];

export const HIGH_WATERMARK = 256 * 1024;
export const LOW_WATERMARK = 64 * 1024;
/** The largest frame either side accepts; bigger ones close the socket (code 1009). */
export const MAX_FRAME_BYTES = 64 * 1024;
/** Output is sent in chunks no larger than this, so acknowledgements stay fine-grained. */
export const MAX_OUTPUT_CHUNK = 16 * 1024;
export const HEARTBEAT_MS = 15_000;
/**
 * A socket whose unsent bytes pass this is closed at once: flow control keeps an honest
 * client far below it, so only a client that stopped reading while the server had to
 * answer it (screen redraws, status frames) gets here.
 */
export const HARD_SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;
/**
 * Input the shell has not taken yet (a program in the foreground that does not read, like
 * `sleep`). Beyond this, input is dropped and the browser told; typing never queues without bound.
 */
export const MAX_QUEUED_INPUT_BYTES = 64 * 1024;
/** Before the server knows who is asking, it holds at most this many frames of this many bytes in all. */
export const MAX_EARLY_FRAMES = 32;
export const MAX_EARLY_BYTES = 16 * 1024;

export const sizeSchema = z.object({
  cols: z.number().int().min(2).max(1000),
  rows: z.number().int().min(1).max(500),
});
export type TerminalSize = z.infer<typeof sizeSchema>;

/** Why the server closed or will not serve a terminal; the browser shows a localized message. */
export const statusSchema = z.object({
  state: z.enum([
    "attached", "lab-ended", "lab-missing", "token-expired", "token-invalid", "forbidden", "error",
    // The learner (or their address) has as many terminals open as allowed.
    "too-many-terminals",
    // The session behind the socket ended (signed out, removed) while it was open.
    "signed-out",
    // Not final: input was dropped because the program in the shell is not reading it.
    "input-dropped",
  ]),
  detail: z.string().max(500).optional(),
});
export type TerminalStatus = z.infer<typeof statusSchema>;

export type ClientFrame =
  | { op: typeof Op.Input; data: Uint8Array }
  | { op: typeof Op.Resize; size: TerminalSize }
  | { op: typeof Op.Pause }
  | { op: typeof Op.Resume }
  | { op: typeof Op.Ping; nonce: number }
  | { op: typeof Op.Ack; bytes: number };

export type ServerFrame =
  | { op: typeof Op.Output; data: Uint8Array }
  | { op: typeof Op.Pong; nonce: number }
  | { op: typeof Op.Status; status: TerminalStatus }
  | { op: typeof Op.Exit; code: number };

export class FrameError extends Error {
  constructor(
    message: string,
    /** WebSocket close code: 1003 unsupported data, 1007 invalid payload, 1009 too big. */
    readonly closeCode: 1003 | 1007 | 1009,
  ) {
    super(message);
    this.name = "FrameError";
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function frame(op: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(1 + payload.length);
  out[0] = op;
  out.set(payload, 1);
  return out;
}

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0);
  return b;
}

export function encodeClient(f: ClientFrame): Uint8Array {
  switch (f.op) {
    case Op.Input:
      return frame(f.op, f.data);
    case Op.Resize: {
      const b = new Uint8Array(4);
      const v = new DataView(b.buffer);
      v.setUint16(0, f.size.cols);
      v.setUint16(2, f.size.rows);
      return frame(f.op, b);
    }
    case Op.Pause:
    case Op.Resume:
      return frame(f.op);
    case Op.Ping:
      return frame(f.op, u32(f.nonce));
    case Op.Ack:
      return frame(f.op, u32(f.bytes));
  }
}

export function encodeServer(f: ServerFrame): Uint8Array {
  switch (f.op) {
    case Op.Output:
      return frame(f.op, f.data);
    case Op.Pong:
      return frame(f.op, u32(f.nonce));
    case Op.Status:
      return frame(f.op, encoder.encode(JSON.stringify(statusSchema.parse(f.status))));
    case Op.Exit:
      return frame(f.op, u32(f.code));
  }
}

export const encodeInput = (text: string) => encodeClient({ op: Op.Input, data: encoder.encode(text) });

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function checkSize(bytes: Uint8Array): void {
  if (bytes.length === 0) throw new FrameError("empty frame", 1007);
  if (bytes.length > MAX_FRAME_BYTES + 1) throw new FrameError(`frame of ${bytes.length} bytes exceeds ${MAX_FRAME_BYTES}`, 1009);
}

function expectLength(bytes: Uint8Array, n: number, name: string): void {
  if (bytes.length !== n) throw new FrameError(`${name} frame must be ${n} bytes, got ${bytes.length}`, 1007);
}

export function decodeClient(bytes: Uint8Array): ClientFrame {
  checkSize(bytes);
  const op = bytes[0];
  const payload = bytes.subarray(1);
  switch (op) {
    case Op.Input:
      return { op, data: payload };
    case Op.Resize: {
      expectLength(bytes, 5, "resize");
      const v = view(payload);
      const size = sizeSchema.safeParse({ cols: v.getUint16(0), rows: v.getUint16(2) });
      if (!size.success) throw new FrameError("resize out of range", 1007);
      return { op, size: size.data };
    }
    case Op.Pause:
    case Op.Resume:
      expectLength(bytes, 1, "pause/resume");
      return { op };
    case Op.Ping:
      expectLength(bytes, 5, "ping");
      return { op, nonce: view(payload).getUint32(0) };
    case Op.Ack:
      expectLength(bytes, 5, "ack");
      return { op, bytes: view(payload).getUint32(0) };
    default:
      throw new FrameError(`unknown opcode 0x${(op ?? 0).toString(16)}`, 1003);
  }
}

export function decodeServer(bytes: Uint8Array): ServerFrame {
  if (bytes.length === 0) throw new FrameError("empty frame", 1007);
  const op = bytes[0];
  const payload = bytes.subarray(1);
  switch (op) {
    case Op.Output:
      return { op, data: payload };
    case Op.Pong:
      expectLength(bytes, 5, "pong");
      return { op, nonce: view(payload).getUint32(0) };
    case Op.Status: {
      let json: unknown;
      try {
        json = JSON.parse(decoder.decode(payload));
      } catch {
        throw new FrameError("status frame is not JSON", 1007);
      }
      const status = statusSchema.safeParse(json);
      if (!status.success) throw new FrameError("status frame has an unknown shape", 1007);
      return { op, status: status.data };
    }
    case Op.Exit:
      expectLength(bytes, 5, "exit");
      return { op, code: view(payload).getUint32(0) };
    default:
      throw new FrameError(`unknown opcode 0x${(op ?? 0).toString(16)}`, 1003);
  }
}

/** Splits shell output into frames no larger than MAX_OUTPUT_CHUNK. */
export function* outputFrames(data: Uint8Array): Generator<Uint8Array> {
  for (let i = 0; i < data.length; i += MAX_OUTPUT_CHUNK) {
    yield encodeServer({ op: Op.Output, data: data.subarray(i, i + MAX_OUTPUT_CHUNK) });
  }
}

/**
 * Server-side watermark accounting for one connection: `sent` when output goes out, `acked`
 * when the browser confirms it, `flushed` when the socket handed it to the kernel. The shell
 * is paused while either count is above the high watermark, until both are below the low one.
 */
export class FlowControl {
  private inFlight = 0;
  private unflushed = 0;
  private paused = false;
  private clientPaused = false;

  constructor(
    private readonly onPause: () => void,
    private readonly onResume: () => void,
    private readonly high = HIGH_WATERMARK,
    private readonly low = LOW_WATERMARK,
  ) {}

  get pending(): number {
    return this.inFlight;
  }

  /** Bytes given to the socket that it has not written out yet. */
  get buffered(): number {
    return this.unflushed;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  sent(bytes: number): void {
    this.inFlight += bytes;
    this.unflushed += bytes;
    this.update();
  }

  /** The socket wrote these bytes out (ws's send callback). */
  flushed(bytes: number): void {
    this.unflushed = Math.max(0, this.unflushed - bytes);
    this.update();
  }

  /** A malicious or buggy client cannot acknowledge more than was sent. */
  acked(bytes: number): void {
    this.inFlight = Math.max(0, this.inFlight - Math.min(bytes, this.inFlight));
    this.update();
  }

  clientPause(paused: boolean): void {
    this.clientPaused = paused;
    this.update();
  }

  private update(): void {
    const worst = Math.max(this.inFlight, this.unflushed);
    const shouldPause = this.clientPaused || worst >= this.high || (this.paused && worst > this.low);
    if (shouldPause && !this.paused) {
      this.paused = true;
      this.onPause();
    } else if (!shouldPause && this.paused) {
      this.paused = false;
      this.onResume();
    }
  }
}
