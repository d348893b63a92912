// The terminal protocol refuses malformed, truncated and oversize frames with the right
// close code, round-trips every frame, and its flow control bounds what is in flight.
import { describe, expect, it } from "vitest";
import {
  decodeClient, decodeServer, encodeClient, encodeInput, encodeServer, FlowControl, FrameError,
  HIGH_WATERMARK, LOW_WATERMARK, MAX_FRAME_BYTES, MAX_OUTPUT_CHUNK, Op, outputFrames,
} from "@/sandbox/terminal/protocol";

function closeCodeOf(fn: () => unknown): number {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FrameError);
    return (e as FrameError).closeCode;
  }
  throw new Error("expected a FrameError");
}

describe("terminal frames", () => {
  it("round-trip every client frame", () => {
    const frames = [
      { op: Op.Input, data: new TextEncoder().encode("echo 안녕하세요\r") },
      { op: Op.Resize, size: { cols: 120, rows: 40 } },
      { op: Op.Pause },
      { op: Op.Resume },
      { op: Op.Ping, nonce: 4_000_000_000 },
      { op: Op.Ack, bytes: 16384 },
    ] as const;
    for (const f of frames) expect(decodeClient(encodeClient(f))).toEqual(f);
  });

  it("round-trip every server frame", () => {
    const frames = [
      { op: Op.Output, data: new Uint8Array([27, 91, 72]) },
      { op: Op.Pong, nonce: 7 },
      { op: Op.Status, status: { state: "lab-ended", detail: "container exited" } },
      { op: Op.Exit, code: 130 },
    ] as const;
    for (const f of frames) expect(decodeServer(encodeServer(f))).toEqual(f);
  });

  it("keep Korean input byte-exact", () => {
    const f = decodeClient(encodeInput("echo 안녕하세요"));
    expect(f.op).toBe(Op.Input);
    expect(new TextDecoder().decode((f as { data: Uint8Array }).data)).toBe("echo 안녕하세요");
  });

  it("refuse an empty frame", () => {
    expect(closeCodeOf(() => decodeClient(new Uint8Array(0)))).toBe(1007);
  });

  it("refuse unknown opcodes as unsupported data", () => {
    expect(closeCodeOf(() => decodeClient(new Uint8Array([0x7f, 1, 2])))).toBe(1003);
    // Server-only opcodes are not accepted from a browser.
    expect(closeCodeOf(() => decodeClient(new Uint8Array([Op.Output, 65])))).toBe(1003);
  });

  it.each([
    ["resize", [Op.Resize, 0, 80]],
    ["ping", [Op.Ping, 1, 2]],
    ["ack", [Op.Ack]],
    ["pause with a payload", [Op.Pause, 1]],
  ])("refuse a truncated or padded %s frame", (_name, bytes) => {
    expect(closeCodeOf(() => decodeClient(new Uint8Array(bytes)))).toBe(1007);
  });

  it("refuse resize values out of range", () => {
    expect(closeCodeOf(() => decodeClient(encodeClient({ op: Op.Resize, size: { cols: 0, rows: 24 } })))).toBe(1007);
    const huge = new Uint8Array([Op.Resize, 0xff, 0xff, 0xff, 0xff]);
    expect(closeCodeOf(() => decodeClient(huge))).toBe(1007);
  });

  it("refuse an oversize frame with 1009 and accept one at the limit", () => {
    const atLimit = new Uint8Array(MAX_FRAME_BYTES + 1);
    atLimit[0] = Op.Input;
    expect(decodeClient(atLimit).op).toBe(Op.Input);
    const over = new Uint8Array(MAX_FRAME_BYTES + 2);
    over[0] = Op.Input;
    expect(closeCodeOf(() => decodeClient(over))).toBe(1009);
  });

  it("refuse a status frame that is not the agreed JSON", () => {
    const bad = new Uint8Array([Op.Status, ...new TextEncoder().encode("{not json")]);
    expect(closeCodeOf(() => decodeServer(bad))).toBe(1007);
    const wrongShape = new Uint8Array([Op.Status, ...new TextEncoder().encode('{"state":"party"}')]);
    expect(closeCodeOf(() => decodeServer(wrongShape))).toBe(1007);
  });

  it("split large output into bounded chunks that reassemble exactly", () => {
    const data = new Uint8Array(MAX_OUTPUT_CHUNK * 3 + 5).map((_, i) => i % 251);
    const frames = [...outputFrames(data)];
    expect(frames).toHaveLength(4);
    const joined = Buffer.concat(frames.map((f) => (decodeServer(f) as { data: Uint8Array }).data));
    expect(Buffer.compare(joined, Buffer.from(data))).toBe(0);
  });
});

describe("flow control", () => {
  it("pauses at the high watermark and resumes only below the low one", () => {
    const events: string[] = [];
    const fc = new FlowControl(() => events.push("pause"), () => events.push("resume"));
    fc.sent(HIGH_WATERMARK - 1);
    fc.flushed(HIGH_WATERMARK - 1);
    expect(events).toEqual([]);
    fc.sent(1);
    fc.flushed(1);
    expect(events).toEqual(["pause"]);
    fc.acked(HIGH_WATERMARK - LOW_WATERMARK - 1); // still above low
    expect(events).toEqual(["pause"]);
    fc.acked(2);
    expect(events).toEqual(["pause", "resume"]);
  });

  it("keeps in-flight bytes bounded under an input flood of output (a `yes` loop)", () => {
    let paused = false;
    const fc = new FlowControl(() => (paused = true), () => (paused = false));
    let maxInFlight = 0;
    // The shell writes whenever it is not paused; the browser acknowledges slowly.
    for (let tick = 0; tick < 10_000; tick++) {
      if (!paused) {
        fc.sent(MAX_OUTPUT_CHUNK);
        fc.flushed(MAX_OUTPUT_CHUNK);
      }
      if (tick % 3 === 0) fc.acked(MAX_OUTPUT_CHUNK);
      maxInFlight = Math.max(maxInFlight, fc.pending);
    }
    expect(maxInFlight).toBeLessThanOrEqual(HIGH_WATERMARK + MAX_OUTPUT_CHUNK);
  });

  it("ignores acknowledgements of bytes never sent", () => {
    const fc = new FlowControl(() => {}, () => {});
    fc.sent(10);
    fc.acked(1_000_000);
    expect(fc.pending).toBe(0);
  });

  it("pauses on the socket's own buffer when a client forges acknowledgements", () => {
    const events: string[] = [];
    const fc = new FlowControl(() => events.push("pause"), () => events.push("resume"));
    // Every frame is acknowledged at once (more than was sent), but the socket writes nothing out.
    for (let i = 0; i < 100 && !events.includes("pause"); i++) {
      fc.sent(MAX_OUTPUT_CHUNK);
      fc.acked(0xffffffff);
    }
    expect(events).toEqual(["pause"]);
    expect(fc.pending).toBe(0);
    expect(fc.buffered).toBeGreaterThanOrEqual(HIGH_WATERMARK);
    fc.flushed(HIGH_WATERMARK - LOW_WATERMARK - 1);
    expect(events).toEqual(["pause"]);
    fc.flushed(HIGH_WATERMARK);
    expect(events).toEqual(["pause", "resume"]);
  });

  it("honours a pause asked for by the browser until it resumes", () => {
    const events: string[] = [];
    const fc = new FlowControl(() => events.push("pause"), () => events.push("resume"));
    fc.clientPause(true);
    fc.acked(0);
    fc.clientPause(false);
    expect(events).toEqual(["pause", "resume"]);
  });
});
