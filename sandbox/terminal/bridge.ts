// The WebSocket side of the terminal. One shell per lab, shared by every tab of its
// learner and kept alive for a grace period after the last tab goes, so a reload or a
// dropped connection finds the same shell. A headless xterm mirrors the screen, and a new
// connection first receives that screen, then the live output.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { SerializeAddon } from "@xterm/addon-serialize";
import xtermHeadless from "@xterm/headless";
import type { Logger } from "pino";
import { type WebSocket, WebSocketServer } from "ws";
import type { Provider, ProviderState, Tty } from "@/sandbox/providers/types";
import {
  decodeClient, encodeServer, FlowControl, FrameError, HEARTBEAT_MS, MAX_FRAME_BYTES, Op,
  outputFrames, type TerminalSize, type TerminalStatus,
} from "./protocol";

const { Terminal: HeadlessTerminal } = xtermHeadless as unknown as typeof import("@xterm/headless");

/** What the bridge needs from the rest of the server, so it can be tested on its own. */
export interface BridgeDeps {
  provider: Provider;
  log: Logger;
  /** Who is asking: checks the token and the session cookie; null means refused, with why. */
  authenticate(req: IncomingMessage): Promise<{ userId: string; sandboxId: string } | { refused: TerminalStatus["state"] }>;
  /** The lab's provider state if this user may attach to it now. */
  attachable(userId: string, sandboxId: string): Promise<ProviderState | null>;
  touch(sandboxId: string): void;
  /** Environment for the learner's shell (e.g. LANG for their language). */
  shellEnv?(userId: string): Promise<Record<string, string>>;
  graceMs: number;
  onConnectionCount?(n: number): void;
}

const SCROLLBACK = 2000;
/**
 * Output handed to the headless mirror but not yet parsed. Parsing happens in time slices on
 * the server's one thread and can be slower than a shell prints (`cat /dev/urandom`, several
 * floods at once); xterm.js throws once 50 MB are pending, which would escape the TTY's data
 * handler and bring the whole server down. Above this the shell is paused like for a slow
 * browser; below the low mark it reads again.
 */
const MIRROR_HIGH = 1024 * 1024;
const MIRROR_LOW = 256 * 1024;
const CLOSE = { policy: 4403, tokenExpired: 4401, labGone: 4404, serverError: 1011, engineLost: 1012 } as const;

class ShellSession {
  readonly clients = new Set<Client>();
  private readonly screen: InstanceType<typeof HeadlessTerminal>;
  private readonly serializer = new SerializeAddon();
  private graceTimer?: NodeJS.Timeout;
  private pausedBy = 0;
  private unparsed = 0;
  private mirrorBehind = false;
  closed = false;

  constructor(
    readonly sandboxId: string,
    private readonly tty: Tty,
    size: TerminalSize,
    private readonly onClosed: (s: ShellSession) => void,
    private readonly graceMs: number,
  ) {
    // logLevel off: binary output makes the parser warn on the console for every bad sequence.
    this.screen = new HeadlessTerminal({ cols: size.cols, rows: size.rows, scrollback: SCROLLBACK, allowProposedApi: true, logLevel: "off" });
    this.screen.loadAddon(this.serializer);
    tty.onData((data) => {
      this.unparsed += data.length;
      this.screen.write(data, () => {
        this.unparsed -= data.length;
        if (this.mirrorBehind && this.unparsed <= MIRROR_LOW) this.setMirrorBehind(false);
      });
      if (!this.mirrorBehind && this.unparsed >= MIRROR_HIGH) this.setMirrorBehind(true);
      for (const c of this.clients) c.output(data);
    });
    tty.onExit((code) => {
      // A lost connection (the engine restarting) is no exit: the browsers reconnect by themselves.
      for (const c of this.clients) (code === null ? c.lost() : c.exit(code));
      this.close();
    });
  }

  /**
   * Adds a client and resolves with the screen (and scrollback) as escape sequences that
   * redraw it, cut exactly where the client joined: output queued before the cut is in the
   * screen, output after it is held by the client (Client.output) until the screen is sent.
   * The headless terminal parses asynchronously, so the cut is an empty write, and the
   * screen is read inside its callback: by the next microtask later output may be parsed too,
   * and the browser would draw it twice.
   */
  join(client: Client): Promise<Uint8Array> {
    clearTimeout(this.graceTimer);
    this.clients.add(client);
    return new Promise((resolve) => {
      this.screen.write("", () => resolve(new TextEncoder().encode(this.serializer.serialize({ scrollback: SCROLLBACK }))));
    });
  }

  remove(client: Client): void {
    this.clients.delete(client);
    if (client.pausing) this.setPaused(client, false);
    if (this.clients.size === 0 && !this.closed) {
      this.graceTimer = setTimeout(() => this.close(), this.graceMs);
      this.graceTimer.unref();
    }
  }

  input(data: Uint8Array): void {
    this.tty.write(data);
  }

  async resize(size: TerminalSize): Promise<void> {
    this.screen.resize(size.cols, size.rows);
    await this.tty.resize(size.cols, size.rows);
  }

  /** The shell reads output only while no client is over its watermark. */
  setPaused(client: Client, paused: boolean): void {
    if (client.pausing === paused) return;
    client.pausing = paused;
    this.pausedBy += paused ? 1 : -1;
    if (this.pausedBy === 1 && paused) this.tty.pause();
    if (this.pausedBy === 0) this.tty.resume();
  }

  /** The mirror counts as one more reader that can hold the shell back. */
  private setMirrorBehind(behind: boolean): void {
    if (this.mirrorBehind === behind || this.closed) return;
    this.mirrorBehind = behind;
    this.pausedBy += behind ? 1 : -1;
    if (this.pausedBy === 1 && behind) this.tty.pause();
    if (this.pausedBy === 0) this.tty.resume();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.graceTimer);
    this.tty.close();
    this.screen.dispose();
    this.onClosed(this);
  }
}

class Client {
  pausing = false;
  alive = true;
  readonly flow: FlowControl;

  constructor(
    readonly ws: WebSocket,
    readonly session: ShellSession,
  ) {
    this.flow = new FlowControl(
      () => session.setPaused(this, true),
      () => session.setPaused(this, false),
    );
  }

  /** Live output that arrived while this client's first screen was being read. */
  private held: Uint8Array[] | undefined = [];

  output(data: Uint8Array): void {
    if (this.held) {
      this.held.push(data);
      return;
    }
    this.send(data);
  }

  /** Sends the screen this client joined at, then the output held since, then goes live. */
  release(screen: Uint8Array): void {
    const held = this.held ?? [];
    this.held = undefined;
    if (screen.length > 0) this.send(screen);
    for (const data of held) this.send(data);
  }

  private send(data: Uint8Array): void {
    for (const frame of outputFrames(data)) {
      this.ws.send(frame);
      this.flow.sent(frame.length - 1);
    }
  }

  status(status: TerminalStatus): void {
    this.ws.send(encodeServer({ op: Op.Status, status }));
  }

  /** Closed without an exit frame: the page reconnects, to a new shell in the same lab. */
  lost(): void {
    this.ws.close(CLOSE.engineLost, "connection to the lab lost");
  }

  exit(code: number): void {
    this.ws.send(encodeServer({ op: Op.Exit, code }));
    this.ws.close(1000, "shell exited");
  }
}

export class TerminalBridge {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES + 1, perMessageDeflate: false });
  private readonly sessions = new Map<string, ShellSession>();
  private readonly opening = new Map<string, Promise<ShellSession>>();
  private heartbeat: NodeJS.Timeout;
  private connections = 0;

  constructor(private readonly deps: BridgeDeps) {
    // Protocol-level pings find connections that died without a close (laptop lid, NAT).
    this.heartbeat = setInterval(() => {
      for (const ws of this.wss.clients) {
        const c = ws as WebSocket & { kubelabAlive?: boolean };
        if (c.kubelabAlive === false) {
          ws.terminate();
          continue;
        }
        c.kubelabAlive = false;
        ws.ping();
      }
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** For server.ts's 'upgrade' event on /terminal. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => void this.accept(ws, req));
  }

  /** Closes every shell of a lab that ended, telling its browsers why. */
  labEnded(sandboxId: string): void {
    const session = this.sessions.get(sandboxId);
    if (!session) return;
    for (const c of session.clients) {
      c.status({ state: "lab-ended" });
      c.ws.close(CLOSE.labGone, "lab ended");
    }
    session.close();
  }

  get openSessions(): number {
    return this.sessions.size;
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const s of this.sessions.values()) s.close();
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }

  private count(delta: number): void {
    this.connections += delta;
    this.deps.onConnectionCount?.(this.connections);
  }

  private async accept(ws: WebSocket, req: IncomingMessage): Promise<void> {
    this.count(1);
    (ws as WebSocket & { kubelabAlive?: boolean }).kubelabAlive = true;
    ws.on("pong", () => ((ws as WebSocket & { kubelabAlive?: boolean }).kubelabAlive = true));
    // ws reports protocol violations (an oversize frame, bad UTF-8 in a close) as an 'error'
    // event and then closes the socket itself; unheard, that event would throw and end the
    // whole server, for anyone who can open a socket.
    ws.on("error", (err) => this.deps.log.warn({ reason: err.message }, "terminal socket error"));
    // Listen at once: a browser sends its size and first keys right after the socket opens,
    // while we are still checking the token. Those frames wait here, in order.
    const early: Array<{ raw: Buffer; isBinary: boolean }> = [];
    let deliver: ((raw: Buffer, isBinary: boolean) => void) | undefined;
    let client: Client | undefined;
    ws.on("message", (raw, isBinary) => (deliver ? deliver(raw as Buffer, isBinary) : early.push({ raw: raw as Buffer, isBinary })));
    ws.on("close", () => {
      this.count(-1);
      if (client) client.session.remove(client);
    });
    // Refusals are sent as a status frame before closing, so the page can say what happened
    // instead of showing an empty terminal.
    const refuse = (state: TerminalStatus["state"], code: number) => {
      ws.send(encodeServer({ op: Op.Status, status: { state } }));
      ws.close(code, state);
    };
    try {
      const who = await this.deps.authenticate(req);
      if ("refused" in who) return refuse(who.refused, who.refused === "token-expired" ? CLOSE.tokenExpired : CLOSE.policy);
      const state = await this.deps.attachable(who.userId, who.sandboxId);
      if (!state) return refuse("lab-missing", CLOSE.labGone);
      const session = await this.session(who.userId, who.sandboxId, state, initialSize(req));
      if (ws.readyState !== ws.OPEN) return;
      const attached = new Client(ws, session);
      client = attached;
      attached.status({ state: "attached" });
      // Redraw the screen this shell already has (empty for a brand-new shell), then go live.
      attached.release(await session.join(attached));
      this.deps.log.info({ sandboxId: who.sandboxId, userId: who.userId, tabs: session.clients.size }, "terminal attached");
      deliver = (raw, isBinary) => this.onMessage(attached, raw, isBinary, who.sandboxId);
      for (const m of early.splice(0)) deliver(m.raw, m.isBinary);
    } catch (error) {
      this.deps.log.error({ err: error }, "terminal attach failed");
      if (ws.readyState === ws.OPEN) refuse("error", CLOSE.serverError);
    }
  }

  private onMessage(client: Client, raw: Buffer, isBinary: boolean, sandboxId: string): void {
    try {
      if (!isBinary) throw new FrameError("text frames are not part of the protocol", 1003);
      const frame = decodeClient(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
      switch (frame.op) {
        case Op.Input:
          client.session.input(frame.data);
          this.deps.touch(sandboxId);
          break;
        case Op.Resize:
          void client.session.resize(frame.size);
          break;
        case Op.Pause:
          client.flow.clientPause(true);
          break;
        case Op.Resume:
          client.flow.clientPause(false);
          break;
        case Op.Ping:
          client.ws.send(encodeServer({ op: Op.Pong, nonce: frame.nonce }));
          break;
        case Op.Ack:
          client.flow.acked(frame.bytes);
          break;
      }
    } catch (error) {
      if (error instanceof FrameError) {
        this.deps.log.warn({ sandboxId, reason: error.message }, "bad terminal frame");
        client.ws.close(error.closeCode, error.message.slice(0, 120));
      } else {
        throw error;
      }
    }
  }

  private async session(userId: string, sandboxId: string, state: ProviderState, size: TerminalSize): Promise<ShellSession> {
    const existing = this.sessions.get(sandboxId);
    if (existing && !existing.closed) return existing;
    // Two tabs connecting at the same moment must share one new shell, not start two.
    const pending = this.opening.get(sandboxId);
    if (pending) return pending;
    const open = (async () => {
      const env = (await this.deps.shellEnv?.(userId)) ?? {};
      const tty = await this.deps.provider.attach(state, size, env);
      const session = new ShellSession(sandboxId, tty, size, (s) => {
        if (this.sessions.get(sandboxId) === s) this.sessions.delete(sandboxId);
      }, this.deps.graceMs);
      this.sessions.set(sandboxId, session);
      return session;
    })().finally(() => this.opening.delete(sandboxId));
    this.opening.set(sandboxId, open);
    return open;
  }
}

function initialSize(req: IncomingMessage): TerminalSize {
  const url = new URL(req.url ?? "/", "http://localhost");
  const cols = Number(url.searchParams.get("cols"));
  const rows = Number(url.searchParams.get("rows"));
  return {
    cols: Number.isInteger(cols) && cols >= 2 && cols <= 1000 ? cols : 80,
    rows: Number.isInteger(rows) && rows >= 1 && rows <= 500 ? rows : 24,
  };
}
