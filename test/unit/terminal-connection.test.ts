// The browser end of the terminal protocol, against a fake socket and fake clocks: what it
// acknowledges, when it pings and gives up, how it backs off, and which refusals it accepts.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { commandInput } from "@/app/_components/lab/lab-bus";
import { mergeView } from "@/app/_components/lab/lab-view-order";
import {
  ACK_BATCH_BYTES, ACK_IDLE_MS, backoffDelay, type ConnectionState, PING_INTERVAL_MS, PONG_TIMEOUT_MS,
  RESIZE_INTERVAL_MS, type SocketLike, TerminalConnection, type Ticket,
} from "@/app/_components/lab/terminal-connection";
import { type ClientFrame, decodeClient, encodeServer, Op, type ServerFrame } from "@/sandbox/terminal/protocol";

class FakeSocket implements SocketLike {
  binaryType: BinaryType = "blob";
  readyState = 0;
  onopen: SocketLike["onopen"] = null;
  onmessage: SocketLike["onmessage"] = null;
  onclose: SocketLike["onclose"] = null;
  onerror: SocketLike["onerror"] = null;
  sent: ClientFrame[] = [];
  closedWith?: number;

  constructor(readonly token: string) {}

  send(data: Uint8Array): void {
    this.sent.push(decodeClient(data));
  }
  close(code?: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }
  /** The server side. */
  receive(frame: ServerFrame): void {
    this.readyState = 1;
    const bytes = encodeServer(frame);
    this.onmessage?.({ data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) } as MessageEvent);
  }
  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code } as CloseEvent);
  }
  frames<T extends ClientFrame["op"]>(op: T): Extract<ClientFrame, { op: T }>[] {
    return this.sent.filter((f): f is Extract<ClientFrame, { op: T }> => f.op === op);
  }
}

interface Harness {
  connection: TerminalConnection;
  sockets: FakeSocket[];
  states: ConnectionState[];
  written: Array<{ bytes: number; rendered: () => void }>;
  tickets: { count: number; next: () => Promise<Ticket> };
  notices: string[];
}

function harness(): Harness {
  const sockets: FakeSocket[] = [];
  const states: ConnectionState[] = [];
  const written: Harness["written"] = [];
  const notices: string[] = [];
  const tickets = { count: 0, next: async (): Promise<Ticket> => ({ ok: true, token: `t${tickets.count}` }) };
  const connection = new TerminalConnection({
    ticket: () => {
      tickets.count++;
      return tickets.next();
    },
    open: (token) => {
      const socket = new FakeSocket(token);
      sockets.push(socket);
      return socket;
    },
    size: () => ({ cols: 100, rows: 30 }),
    write: (data, rendered) => written.push({ bytes: data.length, rendered }),
    onState: (s) => states.push(s),
    onNotice: (n) => notices.push(n),
  });
  return { connection, sockets, states, written, tickets, notices };
}

const last = <T>(xs: T[]): T => xs[xs.length - 1]!;
const output = (n: number): ServerFrame => ({ op: Op.Output, data: new Uint8Array(n) });

async function attached(h: Harness): Promise<FakeSocket> {
  h.connection.connect();
  await vi.advanceTimersByTimeAsync(0);
  const socket = last(h.sockets);
  socket.receive({ op: Op.Status, status: { state: "attached" } });
  return socket;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("terminal connection", () => {
  it("asks for a fresh ticket, attaches, and tells the server its size", async () => {
    const h = harness();
    const socket = await attached(h);
    expect(socket.token).toBe("t1");
    expect(socket.binaryType).toBe("arraybuffer");
    expect(last(h.states)).toEqual({ kind: "attached" });
    expect(socket.frames(Op.Resize)).toEqual([{ op: Op.Resize, size: { cols: 100, rows: 30 } }]);
  });

  it("acknowledges output only after the screen has rendered it, batched", async () => {
    const h = harness();
    const socket = await attached(h);
    socket.receive(output(1000));
    socket.receive(output(500));
    expect(socket.frames(Op.Ack)).toEqual([]);
    h.written.forEach((w) => w.rendered());
    expect(socket.frames(Op.Ack)).toEqual([]);
    await vi.advanceTimersByTimeAsync(ACK_IDLE_MS);
    expect(socket.frames(Op.Ack)).toEqual([{ op: Op.Ack, bytes: 1500 }]);
    // A flood is acknowledged every batch, without waiting for quiet.
    for (let i = 0; i < 4; i++) socket.receive(output(ACK_BATCH_BYTES / 2));
    h.written.slice(2).forEach((w) => w.rendered());
    expect(socket.frames(Op.Ack).map((f) => f.bytes)).toEqual([1500, ACK_BATCH_BYTES, ACK_BATCH_BYTES]);
  });

  it("coalesces a burst of resizes (a dragged window) into the first and the last size", async () => {
    const h = harness();
    const socket = await attached(h);
    await vi.advanceTimersByTimeAsync(RESIZE_INTERVAL_MS);
    for (let i = 0; i < 200; i++) h.connection.resize({ cols: 60 + i, rows: 20 });
    await vi.advanceTimersByTimeAsync(RESIZE_INTERVAL_MS);
    expect(socket.frames(Op.Resize).map((f) => f.size.cols)).toEqual([100, 60, 259]);
  });

  it("shows the server's notice of dropped input without leaving the terminal", async () => {
    const h = harness();
    const socket = await attached(h);
    socket.receive({ op: Op.Status, status: { state: "input-dropped" } });
    expect(h.notices).toEqual(["input-dropped"]);
    expect(last(h.states)).toEqual({ kind: "attached" });
  });

  it("takes too many terminals and a signed-out session as refusals, not drops to retry", async () => {
    for (const state of ["too-many-terminals", "signed-out"] as const) {
      const h = harness();
      const socket = await attached(h);
      socket.receive({ op: Op.Status, status: { state } });
      socket.drop(4401);
      expect(last(h.states)).toEqual({ kind: "refused", reason: state });
      await vi.advanceTimersByTimeAsync(60_000);
      expect(h.sockets).toHaveLength(1);
    }
  });

  it("sends input only while attached", async () => {
    const h = harness();
    h.connection.connect();
    await vi.advanceTimersByTimeAsync(0);
    h.connection.input("lost");
    const socket = last(h.sockets);
    socket.receive({ op: Op.Status, status: { state: "attached" } });
    h.connection.input("kubectl get nodes\r");
    const inputs = socket.frames(Op.Input).map((f) => new TextDecoder().decode(f.data));
    expect(inputs).toEqual(["kubectl get nodes\r"]);
  });

  it("pings, and treats a silent server as dead and reconnects with a new ticket", async () => {
    const h = harness();
    const socket = await attached(h);
    await vi.advanceTimersByTimeAsync(PING_INTERVAL_MS);
    const [ping] = socket.frames(Op.Ping);
    expect(ping).toBeDefined();
    socket.receive({ op: Op.Pong, nonce: ping!.nonce });
    await vi.advanceTimersByTimeAsync(PING_INTERVAL_MS + PONG_TIMEOUT_MS - 1);
    expect(h.sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(last(h.states)).toEqual({ kind: "reconnecting", attempt: 1 });
    expect(socket.closedWith).toBeDefined();
    await vi.advanceTimersByTimeAsync(backoffDelay(0));
    expect(h.sockets).toHaveLength(2);
    expect(last(h.sockets).token).toBe("t2");
  });

  it("backs off 0.5 s, 1 s, 2 s … up to 10 s while the server is away, and starts over once attached", async () => {
    const h = harness();
    h.connection.connect();
    await vi.advanceTimersByTimeAsync(0);
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const before = h.sockets.length;
      last(h.sockets).drop();
      let waited = 0;
      while (h.sockets.length === before) {
        await vi.advanceTimersByTimeAsync(100);
        waited += 100;
      }
      delays.push(waited);
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 10000, 10000, 10000]);
    last(h.sockets).receive({ op: Op.Status, status: { state: "attached" } });
    last(h.sockets).drop();
    await vi.advanceTimersByTimeAsync(500);
    expect(h.sockets).toHaveLength(10);
  });

  it("does not reconnect after a refusal; the learner's retry does, with a new ticket", async () => {
    const h = harness();
    h.connection.connect();
    await vi.advanceTimersByTimeAsync(0);
    const socket = last(h.sockets);
    socket.receive({ op: Op.Status, status: { state: "token-expired" } });
    socket.drop(4401);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.sockets).toHaveLength(1);
    expect(last(h.states)).toEqual({ kind: "refused", reason: "token-expired" });
    h.connection.connect();
    await vi.advanceTimersByTimeAsync(0);
    expect(h.sockets).toHaveLength(2);
    expect(last(h.sockets).token).toBe("t2");
  });

  it("reports a lab that ended, a missing lab, and an exited shell", async () => {
    const h = harness();
    let socket = await attached(h);
    socket.receive({ op: Op.Exit, code: 0 });
    socket.drop(1000);
    expect(last(h.states)).toEqual({ kind: "exited", code: 0 });

    socket = await attached(h);
    socket.receive({ op: Op.Status, status: { state: "lab-ended" } });
    socket.drop(4404);
    expect(last(h.states)).toEqual({ kind: "gone", reason: "lab-ended" });

    h.tickets.next = async () => ({ ok: false, reason: "no-lab" });
    h.connection.connect();
    await vi.advanceTimersByTimeAsync(0);
    expect(last(h.states)).toEqual({ kind: "gone", reason: "lab-missing" });
  });

  it("keeps trying when the ticket itself cannot be fetched (offline)", async () => {
    const h = harness();
    h.tickets.next = async () => {
      throw new TypeError("Failed to fetch");
    };
    h.connection.connect();
    await vi.advanceTimersByTimeAsync(0);
    expect(last(h.states)).toEqual({ kind: "reconnecting", attempt: 1 });
    h.tickets.next = async () => ({ ok: true, token: "back" });
    await vi.advanceTimersByTimeAsync(500);
    expect(last(h.sockets).token).toBe("back");
  });

  it("ignores an old socket's late output and never acknowledges it on the new one", async () => {
    const h = harness();
    const first = await attached(h);
    first.receive(output(4000));
    first.drop();
    await vi.advanceTimersByTimeAsync(500);
    const second = last(h.sockets);
    second.receive({ op: Op.Status, status: { state: "attached" } });
    h.written[0]!.rendered();
    await vi.advanceTimersByTimeAsync(ACK_IDLE_MS);
    expect(second.frames(Op.Ack)).toEqual([]);
  });

  it("stays quiet after dispose", async () => {
    const h = harness();
    const socket = await attached(h);
    h.connection.dispose();
    expect(socket.closedWith).toBe(1000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.sockets).toHaveLength(1);
  });
});

describe("Run buttons", () => {
  it("type each command line followed by Enter, skipping blank lines and comments", () => {
    expect(commandInput("kubectl get nodes")).toBe("kubectl get nodes\r");
    expect(commandInput("# first\nkubectl delete pods -l app=hello\n\n  # then\nkubectl get pods\n")).toBe("kubectl delete pods -l app=hello\rkubectl get pods\r");
  });
});

describe("lab view order", () => {
  const starting = { state: "starting", sandboxId: "a", since: "2026-01-01T00:00:00Z", phase: "cluster" } as const;
  const ready = { state: "ready", sandboxId: "a", readyAt: "2026-01-01T00:00:01Z" } as const;

  it("never steps back to an older snapshot of the same lab", () => {
    expect(mergeView(ready, starting, "action")).toBe(ready);
    expect(mergeView(starting, ready, "stream")).toBe(ready);
    expect(mergeView(ready, { state: "ended", sandboxId: "a", reason: "stopped" }, "stream").state).toBe("ended");
  });

  it("lets a reset and a new lab through", () => {
    const resetting = { ...starting, phase: "reset" } as const;
    expect(mergeView(ready, resetting, "stream")).toBe(resetting);
    expect(mergeView(resetting, ready, "stream")).toBe(ready);
    const other = { state: "starting", sandboxId: "b", since: "2026-01-01T00:01:00Z", phase: "container" } as const;
    expect(mergeView({ state: "ended", sandboxId: "a", reason: "idle" }, other, "action")).toBe(other);
  });

  it("drops a stale queue place from an action once the lab is starting", () => {
    expect(mergeView(starting, { state: "queued", position: 1, queueLength: 1 }, "action")).toBe(starting);
    expect(mergeView(starting, { state: "queued", position: 1, queueLength: 1 }, "stream").state).toBe("queued");
  });
});
