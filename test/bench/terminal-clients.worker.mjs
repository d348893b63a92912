// The browser end of the terminal benchmarks, run in a worker thread so that the clients'
// own work never queues behind the server's event loop (kubelab's bridge runs in the main
// thread) and both servers compared are measured from an equally idle client.
//
// Two dialects:
//  - "kubelab": sandbox/terminal/protocol.ts (opcodes handed in by the main thread, so this
//    file does not restate them); every Output frame is acknowledged as it arrives.
//  - "ttyd": ttyd 1.7.7's protocol as its source defines it (src/server.h, src/protocol.c):
//    subprotocol "tty", a JSON handshake with AuthToken/columns/rows, then frames whose first
//    byte is an ASCII command. Its flow control is emulated from its web client
//    (html/src/components/terminal/xterm/index.ts with the limits in components/app.tsx):
//    every `limit` bytes one write is tracked; more than `highWater` tracked writes pending
//    sends PAUSE, and each one completing while fewer than `lowWater` are pending sends
//    RESUME. There is no renderer here, so a tracked write completes on the next turn of
//    the event loop, as fast as xterm.js could ever call back.
//
// Messages in: open, run, echo, close (see the handlers below); each gets one reply with the
// same `seq`.
import { parentPort } from "node:worker_threads";
import { WebSocket } from "ws";

const TTYD = { input: 0x30, output: 0x30, pause: 0x32, resume: 0x33 };
const conns = new Map();
const latin1 = (buf) => buf.toString("latin1");

class Conn {
  constructor(msg) {
    this.kind = msg.kind;
    this.ops = msg.ops;
    this.flow = msg.flow;
    this.received = 0;
    this.tail = "";
    this.listeners = new Set();
    this.statuses = [];
    this.closed = false;
    // ttyd client state
    this.written = 0;
    this.pending = 0;
    this.pauses = 0;
    this.ws = new WebSocket(msg.url, msg.kind === "ttyd" ? ["tty"] : [], {
      headers: msg.headers ?? {},
      // Browsers offer permessage-deflate; whether the server takes it is the server's choice.
      perMessageDeflate: msg.offerDeflate !== false,
    });
    this.ws.binaryType = "nodebuffer";
    this.ws.on("message", (raw) => this.onFrame(raw));
    this.ws.on("close", (code) => {
      this.closed = true;
      this.closeCode = code;
      for (const l of this.listeners) l(Buffer.alloc(0));
    });
    this.ws.on("error", (e) => (this.error = e.message));
  }

  onFrame(raw) {
    if (this.kind === "kubelab") {
      const op = raw[0];
      if (op === this.ops.Output) {
        const data = raw.subarray(1);
        const ack = Buffer.alloc(5);
        ack[0] = this.ops.Ack;
        ack.writeUInt32BE(data.length, 1);
        this.ws.send(ack);
        this.deliver(data);
      } else if (op === this.ops.Status) {
        try {
          this.statuses.push(JSON.parse(raw.subarray(1).toString("utf8")).state);
        } catch {
          this.statuses.push("?");
        }
        for (const l of this.listeners) l(Buffer.alloc(0));
      }
      return;
    }
    if (raw[0] !== TTYD.output) return; // window title and preferences
    const data = raw.subarray(1);
    this.written += data.length;
    if (this.written > this.flow.limit) {
      this.pending++;
      this.written = 0;
      if (this.pending > this.flow.highWater) {
        this.pauses++;
        this.ws.send(Buffer.from([TTYD.pause]));
      }
      setImmediate(() => {
        this.pending = Math.max(this.pending - 1, 0);
        if (this.pending < this.flow.lowWater && !this.closed) this.ws.send(Buffer.from([TTYD.resume]));
      });
    }
    this.deliver(data);
  }

  deliver(data) {
    this.received += data.length;
    for (const l of this.listeners) l(data);
  }

  send(text) {
    const body = Buffer.from(text, "utf8");
    const frame = Buffer.alloc(body.length + 1);
    frame[0] = this.kind === "ttyd" ? TTYD.input : this.ops.Input;
    body.copy(frame, 1);
    this.ws.send(frame);
  }

  /** Resolves once `pattern` (latin1 text) shows up in the output from now on. */
  waitFor(pattern, timeoutMs, what = pattern) {
    return new Promise((resolve, reject) => {
      let seen = "";
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`${this.kind}: no ${JSON.stringify(what)} within ${timeoutMs} ms; last output: ${JSON.stringify(seen.slice(-300))}`));
      }, timeoutMs);
      const listener = (data) => {
        seen = (seen + latin1(data)).slice(-Math.max(4096, pattern.length * 2));
        if (seen.includes(pattern)) {
          clearTimeout(timer);
          this.listeners.delete(listener);
          resolve();
        } else if (this.closed) {
          clearTimeout(timer);
          this.listeners.delete(listener);
          reject(new Error(`${this.kind}: connection closed (${this.closeCode}) before ${JSON.stringify(what)}; statuses ${this.statuses.join(",")}; last output: ${JSON.stringify(seen.slice(-300))}`));
        }
      };
      this.listeners.add(listener);
    });
  }
}

async function open(msg) {
  const c = new Conn(msg);
  conns.set(msg.id, c);
  await new Promise((resolve, reject) => {
    c.ws.once("open", resolve);
    c.ws.once("error", reject);
    c.ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode} on upgrade`)));
  });
  const prompt = c.waitFor(msg.ready, msg.timeoutMs ?? 60_000, `prompt ${msg.ready}`);
  if (c.kind === "ttyd") c.ws.send(Buffer.from(JSON.stringify({ AuthToken: "", columns: msg.cols, rows: msg.rows })));
  await prompt;
  if (c.kind === "kubelab" && !c.statuses.includes("attached")) throw new Error(`kubelab: not attached (${c.statuses.join(",")})`);
  return { extensions: c.ws.extensions, protocol: c.ws.protocol };
}

/** Types a command, then counts output bytes until its end marker has been printed. */
async function run(msg) {
  const c = conns.get(msg.id);
  const done = c.waitFor(msg.marker, msg.timeoutMs ?? 300_000);
  const before = c.received;
  const pausesBefore = c.pauses;
  const t0 = performance.now();
  c.send(msg.command + "\r");
  await done;
  return { bytes: c.received - before, ms: performance.now() - t0, pauses: c.pauses - pausesBefore };
}

/**
 * Every connection types one printable character at a time, `intervalMs` apart (starting at
 * a random phase), waits for it to come back in the output, then erases it with a
 * backspace, so the line stays empty. Lower-case letters only: readline's answer to the
 * backspace (BS, space, BS or an erase-line sequence) can never be mistaken for the echo.
 */
async function echo(msg) {
  const samples = [];
  const late = [];
  const letters = "abcdefghijklmnopqrstuvwxyz";
  const sleep = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
  await Promise.all(
    msg.ids.map(async (id, index) => {
      const c = conns.get(id);
      let next = performance.now() + Math.random() * msg.intervalMs;
      for (let k = 0; k < msg.keystrokes; k++) {
        await sleep(next - performance.now());
        const ch = letters[(index + k) % letters.length];
        const code = ch.charCodeAt(0);
        const t0 = performance.now();
        await new Promise((resolve, reject) => {
          const timer = setTimeout(() => {
            c.listeners.delete(listener);
            reject(new Error(`${c.kind} terminal ${index}: keystroke ${k} (${ch}) not echoed within ${msg.timeoutMs} ms`));
          }, msg.timeoutMs);
          const listener = (data) => {
            if (data.includes(code)) {
              samples.push(performance.now() - t0);
              clearTimeout(timer);
              c.listeners.delete(listener);
              resolve();
            } else if (c.closed) {
              clearTimeout(timer);
              c.listeners.delete(listener);
              reject(new Error(`${c.kind} terminal ${index}: closed (${c.closeCode}) during the echo test`));
            }
          };
          c.listeners.add(listener);
          c.send(ch);
        });
        c.send("\x7f");
        next += msg.intervalMs;
        // Falling behind schedule: carry on from now rather than typing a burst to catch up.
        const now = performance.now();
        if (next < now) {
          late.push(now - next);
          next = now;
        }
      }
    }),
  );
  return { samples, late: late.length };
}

function close(msg) {
  for (const id of msg.ids ?? [...conns.keys()]) {
    const c = conns.get(id);
    if (!c) continue;
    c.ws.terminate();
    conns.delete(id);
  }
  return {};
}

const handlers = { open, run, echo, close };
parentPort.on("message", async (msg) => {
  try {
    parentPort.postMessage({ seq: msg.seq, ok: true, result: await handlers[msg.type](msg) });
  } catch (error) {
    parentPort.postMessage({ seq: msg.seq, ok: false, error: error instanceof Error ? error.message : String(error) });
  }
});
