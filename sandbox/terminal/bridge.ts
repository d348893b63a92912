// The WebSocket side of the terminal. One shell per lab, shared by every tab of its
// learner and kept alive for a grace period after the last tab goes, so a reload or a
// dropped connection finds the same shell. A headless xterm mirrors the screen, and a new
// connection first receives that screen, then the live output. Every mirror gets its output a
// slice at a time through one pump (mirror-pump.ts), so floods in many shells cannot hold the
// server's thread away from everyone else's sockets.
//
// Nothing a client sends or fails to read may grow the server without bound: output waits on
// the socket's own buffer as well as on acknowledgements (which a client can forge), input a
// program does not read is dropped past a cap, frames before authentication are capped, a
// learner and an address may hold only so many sockets, resizes are coalesced, and the
// session behind every open socket is checked again every little while.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { SerializeAddon } from "@xterm/addon-serialize";
import xtermHeadless from "@xterm/headless";
import type { Logger } from "pino";
import { type WebSocket, WebSocketServer } from "ws";
import { EngineUnreachableError, type Provider, type ProviderState, type Tty } from "@/sandbox/providers/types";
import {
  decodeClient, encodeServer, FlowControl, FrameError, HARD_SOCKET_BUFFER_BYTES, HEARTBEAT_MS, HIGH_WATERMARK,
  LOW_WATERMARK, MAX_EARLY_BYTES, MAX_EARLY_FRAMES, MAX_FRAME_BYTES, MAX_QUEUED_INPUT_BYTES, Op, outputFrames,
  type TerminalSize, type TerminalStatus,
} from "./protocol";
import { MirrorPump, type PumpedMirror } from "./mirror-pump";

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
  /**
   * Seconds from a learner's input written to their shell to the shell's next output: the echo
   * as the server sees it (the engine's exec stream, the lab, and this process's own wait to read
   * the output), without the network and the browser. For /metrics and the class benchmark.
   */
  onEcho?(seconds: number): void;
  /** The client's address, for the per-address socket cap (server.ts knows about proxies). */
  address(req: IncomingMessage): string;
  /**
   * Asked again for every open socket every `limits.recheckMs`: null while the learner may
   * keep it, otherwise why not (signed out, removed, lab gone), and the socket is closed.
   */
  recheck(req: IncomingMessage, userId: string, sandboxId: string): Promise<TerminalStatus["state"] | null>;
  limits?: Partial<BridgeLimits>;
}

export interface BridgeLimits {
  /** Open sockets of one learner: tabs and reloads fit, a script opening hundreds does not. */
  socketsPerLearner: number;
  /** Open sockets from one address, counted before authentication; a class behind one NAT fits. */
  socketsPerAddress: number;
  /** How often the session behind each socket is checked again. */
  recheckMs: number;
  /** A socket that does not take its output for this long is closed, so it cannot hold its learner's other tabs. */
  stallMs: number;
  /** Resizes of one shell are applied at most this often; the last one always is. */
  resizeIntervalMs: number;
}

export const DEFAULT_BRIDGE_LIMITS: BridgeLimits = {
  socketsPerLearner: 8,
  socketsPerAddress: 100,
  recheckMs: 30_000,
  stallMs: 60_000,
  resizeIntervalMs: 100,
};

/** What the bridge holds right now, for tests, metrics and the benchmark. */
export interface BridgeStats {
  connections: number;
  shells: number;
  /** Output given to sockets that they have not written out yet, over all sockets. */
  bufferedBytes: number;
  /** Input given to shells that they have not taken yet, over all shells. */
  queuedInputBytes: number;
  /** Input dropped because a shell was not reading it, since the start. */
  droppedInputBytes: number;
  /** Resizes passed on to shells since the start (after coalescing). */
  resizesApplied: number;
  /** Output waiting to be parsed into the shells' screen mirrors, over all shells. */
  mirrorBacklogBytes: number;
  /** The most output handed to one mirror to parse in one go, since the start. */
  mirrorLargestSlice: number;
}

const SCROLLBACK = 2000;
/**
 * Output for the headless mirror not yet parsed. Parsing happens a slice at a time on the
 * server's one thread (mirror-pump.ts) and can be slower than a shell prints (`cat
 * /dev/urandom`, several floods at once). Above this the shell is paused like for a slow
 * browser; below the low mark it reads again.
 */
const MIRROR_HIGH = 1024 * 1024;
const MIRROR_LOW = 256 * 1024;
const CLOSE = {
  policy: 4403, tokenExpired: 4401, labGone: 4404, serverError: 1011, engineLost: 1012, tooMany: 4429, signedOut: 4401, earlyFlood: 1008,
} as const;
/** A shell opened ahead has the size of a common laptop's terminal pane until its first tab says its own. */
const AHEAD_SIZE: TerminalSize = { cols: 100, rows: 30 };
/** An input-dropped notice is sent at most this often to one client, however much is dropped. */
const DROP_NOTICE_MS = 1000;
/**
 * A new shell's input is held until it prints (its prompt: the lab's .bashrc prints nothing
 * before it), at most this long. A Ctrl-C that reaches `bash -l` while it still reads its
 * start-up files ends it with 130, and the learner's terminal closes before they saw a prompt:
 * on a busy host that window is seconds long, and learners press keys while they wait.
 */
const HOLD_INPUT_UNTIL_PROMPT_MS = 15_000;
/** Input with no output this long after it is not timed as an echo (ShellSession.noteEcho). */
const ECHO_GIVE_UP_MS = 10_000;

class ShellSession implements PumpedMirror {
  readonly clients = new Set<Client>();
  /** Output waiting for the pump, oldest first. */
  private queue: Uint8Array[] = [];
  /** Bytes the shell printed since it started, and how many of them the mirror has parsed. */
  private printed = 0;
  private parsed = 0;
  /** Joining clients waiting for the mirror to reach where they joined. */
  private cuts: Array<{ at: number; resolve(screen: Uint8Array): void }> = [];
  /** The pump's callback while a slice of this mirror is being parsed. */
  private parsing?: () => void;
  private readonly screen: InstanceType<typeof HeadlessTerminal>;
  private readonly serializer = new SerializeAddon();
  private graceTimer?: NodeJS.Timeout;
  private pausedBy = 0;
  private unparsed = 0;
  private mirrorBehind = false;
  private resizeTimer?: NodeJS.Timeout;
  private lastResizeAt = 0;
  private wantedSize?: TerminalSize;
  /** The size the shell and the mirror have now. */
  private size: TerminalSize;
  /** Input typed before the shell's first output, passed on when it prints; null after that. */
  private heldInput: Uint8Array[] | null = [];
  private heldBytes = 0;
  private holdTimer?: NodeJS.Timeout;
  /** When input was last written to a shell that has printed nothing since (performance.now()). */
  private echoFrom?: number;
  closed = false;

  constructor(
    readonly sandboxId: string,
    private readonly tty: Tty,
    size: TerminalSize,
    private readonly onClosed: (s: ShellSession) => void,
    private readonly graceMs: number,
    private readonly counters: { droppedInputBytes: number; resizesApplied: number },
    private readonly resizeIntervalMs: number,
    private readonly pump: MirrorPump,
    private readonly onEcho?: (seconds: number) => void,
  ) {
    this.size = size;
    // logLevel off: binary output makes the parser warn on the console for every bad sequence.
    this.screen = new HeadlessTerminal({ cols: size.cols, rows: size.rows, scrollback: SCROLLBACK, allowProposedApi: true, logLevel: "off" });
    this.screen.loadAddon(this.serializer);
    this.holdTimer = setTimeout(() => this.releaseHeldInput(), HOLD_INPUT_UNTIL_PROMPT_MS);
    this.holdTimer.unref();
    tty.onData((data) => {
      this.noteEcho();
      this.releaseHeldInput();
      this.queue.push(data);
      this.printed += data.length;
      this.unparsed += data.length;
      this.pump.request(this);
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
    this.graceTimer = undefined;
    this.clients.add(client);
    return new Promise((resolve) => {
      // Output queued for the mirror is parsed up to this point (the pump stops a slice here),
      // then the screen is read; output after it is held by the client.
      this.cuts.push({ at: this.printed, resolve });
      this.settleCuts();
    });
  }

  get mirrorBacklog(): number {
    return this.closed ? 0 : this.unparsed;
  }

  /** For the pump: parses the next slice of queued output, stopping at a joining client's cut. */
  parseNext(maxBytes: number, done: () => void): boolean {
    if (this.closed || this.queue.length === 0) return false;
    const cut = this.cuts.find((c) => c.at > this.parsed);
    const limit = Math.min(maxBytes, cut ? cut.at - this.parsed : maxBytes);
    const parts: Uint8Array[] = [];
    let size = 0;
    while (size < limit && this.queue.length > 0) {
      const head = this.queue[0]!;
      const take = Math.min(head.length, limit - size);
      parts.push(take === head.length ? head : head.subarray(0, take));
      if (take === head.length) this.queue.shift();
      else this.queue[0] = head.subarray(take);
      size += take;
    }
    const slice = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    this.pump.noteSlice(size);
    this.parsing = done;
    this.screen.write(slice, () => {
      if (this.closed) return;
      this.parsing = undefined;
      this.parsed += size;
      this.unparsed -= size;
      if (this.mirrorBehind && this.unparsed <= MIRROR_LOW) this.setMirrorBehind(false);
      this.settleCuts();
      done();
    });
    return true;
  }

  /** Hands each joining client whose cut the mirror has reached the screen as it is now. */
  private settleCuts(): void {
    while (this.cuts.length > 0 && this.cuts[0]!.at <= this.parsed) {
      this.cuts.shift()!.resolve(new TextEncoder().encode(this.serializer.serialize({ scrollback: SCROLLBACK })));
    }
  }

  remove(client: Client): void {
    this.clients.delete(client);
    if (client.pausing) this.setPaused(client, false);
    this.awaitClient();
  }

  /** With no client (all left, or none came yet to a shell opened ahead), the shell ends after the grace period unless one joins. */
  awaitClient(): void {
    if (this.clients.size > 0 || this.closed || this.graceTimer) return;
    this.graceTimer = setTimeout(() => this.close(), this.graceMs);
    this.graceTimer.unref();
  }

  get queuedInput(): number {
    return this.closed ? 0 : this.tty.pendingInput() + this.heldBytes;
  }

  private releaseHeldInput(): void {
    if (this.heldInput === null) return;
    clearTimeout(this.holdTimer);
    const held = this.heldInput;
    this.heldInput = null;
    this.heldBytes = 0;
    if (!this.closed) for (const data of held) this.tty.write(data);
  }

  /**
   * Passes input on unless the shell already holds MAX_QUEUED_INPUT_BYTES it has not read
   * (a `sleep` in the foreground, a paste into a program that ignores it). Then the input is
   * dropped, whole, and false tells the caller to say so. Until the shell first prints, input
   * is held here instead (HOLD_INPUT_UNTIL_PROMPT_MS), under the same cap.
   */
  input(data: Uint8Array): boolean {
    if (this.queuedInput + data.length > MAX_QUEUED_INPUT_BYTES) {
      this.counters.droppedInputBytes += data.length;
      return false;
    }
    if (this.heldInput !== null) {
      this.heldInput.push(data);
      this.heldBytes += data.length;
      return true;
    }
    this.tty.write(data);
    this.echoFrom ??= performance.now();
    return true;
  }

  /**
   * The first output after input is its echo (or the program's answer to it). Input that no
   * output follows within ECHO_GIVE_UP_MS (typed into a program that does not echo, like a
   * password prompt) is not counted: the next output would be something else's.
   */
  private noteEcho(): void {
    if (this.echoFrom === undefined) return;
    const ms = performance.now() - this.echoFrom;
    this.echoFrom = undefined;
    if (ms <= ECHO_GIVE_UP_MS) this.onEcho?.(ms / 1000);
  }

  /**
   * Each resize is a call to the engine and a SIGWINCH in the lab; a dragged window sends
   * dozens a second and a hostile client thousands. The first of a quiet spell is applied
   * at once, the rest of a burst once the interval has passed, with the latest size.
   */
  resize(size: TerminalSize): void {
    this.wantedSize = size;
    if (this.resizeTimer) return;
    const wait = Math.max(0, this.lastResizeAt + this.resizeIntervalMs - Date.now());
    this.resizeTimer = setTimeout(() => {
      this.resizeTimer = undefined;
      const next = this.wantedSize;
      this.wantedSize = undefined;
      if (!next || this.closed || (next.cols === this.size.cols && next.rows === this.size.rows)) return;
      this.size = next;
      this.lastResizeAt = Date.now();
      this.counters.resizesApplied++;
      this.screen.resize(next.cols, next.rows);
      void this.tty.resize(next.cols, next.rows).catch(() => undefined);
    }, wait);
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
    clearTimeout(this.resizeTimer);
    clearTimeout(this.holdTimer);
    this.tty.close();
    this.screen.dispose();
    // A slice being parsed will never report back from a disposed terminal: free the pump's
    // place, and let joining clients go on (they are told the shell is gone).
    const parsing = this.parsing;
    this.parsing = undefined;
    parsing?.();
    for (const cut of this.cuts.splice(0)) cut.resolve(new Uint8Array());
    this.queue = [];
    this.onClosed(this);
  }
}

class Client {
  pausing = false;
  alive = true;
  readonly flow: FlowControl;
  private stallTimer?: NodeJS.Timeout;
  private lastDropNotice = 0;
  gone = false;

  constructor(
    readonly ws: WebSocket,
    readonly session: ShellSession,
    readonly req: IncomingMessage,
    readonly userId: string,
    private readonly stallMs: number,
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
      if (this.gone) return;
      const bytes = frame.length - 1;
      this.flow.sent(bytes);
      this.ws.send(frame, () => this.flushed(bytes));
      this.watchBuffer();
    }
  }

  private flushed(bytes: number): void {
    this.flow.flushed(bytes);
    if (this.flow.buffered <= LOW_WATERMARK) {
      clearTimeout(this.stallTimer);
      this.stallTimer = undefined;
    }
  }

  /**
   * Flow control keeps the socket's buffer near the watermark; far above it (the redraw of a
   * full screen to a client that reads nothing) the client is dropped at once, and a client
   * whose buffer stays above the low mark for stallMs is dropped too: it holds the shell for
   * its learner's other tabs. A client that reads brings it down within moments.
   */
  private watchBuffer(): void {
    if (this.ws.bufferedAmount > HARD_SOCKET_BUFFER_BYTES) return this.drop();
    if (this.flow.buffered > LOW_WATERMARK && !this.stallTimer) {
      this.stallTimer = setTimeout(() => {
        if (this.flow.buffered > LOW_WATERMARK) this.drop();
      }, this.stallMs);
      this.stallTimer.unref();
    }
  }

  /** A client that does not read cannot be told anything: its socket is cut. */
  private drop(): void {
    if (this.gone) return;
    this.gone = true;
    clearTimeout(this.stallTimer);
    this.ws.terminate();
  }

  /** Small answers (pongs) go only to a client that reads; one that does not gets none. */
  sendSmall(frame: Uint8Array): void {
    if (this.gone || this.flow.buffered >= HIGH_WATERMARK) return;
    this.ws.send(frame);
    this.watchBuffer();
  }

  inputDropped(): void {
    const now = Date.now();
    if (now - this.lastDropNotice < DROP_NOTICE_MS) return;
    this.lastDropNotice = now;
    this.sendSmall(encodeServer({ op: Op.Status, status: { state: "input-dropped" } }));
  }

  status(status: TerminalStatus): void {
    if (this.gone) return;
    this.ws.send(encodeServer({ op: Op.Status, status }));
  }

  /** Closed without an exit frame: the page reconnects, to a new shell in the same lab. */
  lost(): void {
    this.ws.close(CLOSE.engineLost, "connection to the lab lost");
  }

  exit(code: number): void {
    if (this.gone) return;
    this.ws.send(encodeServer({ op: Op.Exit, code }));
    this.ws.close(1000, "shell exited");
  }

  closed(): void {
    this.gone = true;
    clearTimeout(this.stallTimer);
  }
}

export class TerminalBridge {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES + 1, perMessageDeflate: false });
  private readonly sessions = new Map<string, ShellSession>();
  private readonly opening = new Map<string, Promise<ShellSession>>();
  private readonly clients = new Set<Client>();
  private readonly perLearner = new Map<string, number>();
  private readonly perAddress = new Map<string, number>();
  private readonly limits: BridgeLimits;
  private readonly counters = { droppedInputBytes: 0, resizesApplied: 0 };
  /** One pump for every mirror: how much parsing the server does at a time, however many shells flood. */
  private readonly pump = new MirrorPump();
  private heartbeat: NodeJS.Timeout;
  private rechecking: NodeJS.Timeout;
  private connections = 0;

  constructor(private readonly deps: BridgeDeps) {
    this.limits = { ...DEFAULT_BRIDGE_LIMITS, ...deps.limits };
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
    this.rechecking = setInterval(() => void this.recheckAll(), this.limits.recheckMs);
    this.rechecking.unref();
  }

  /** For server.ts's 'upgrade' event on /terminal. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => void this.accept(ws, req));
  }

  /**
   * Opens the learner's shell before their terminal connects, when their lab has just become
   * theirs and ready: a docker exec and bash's start-up take a loaded host seconds, which the
   * learner otherwise waits for after the lab is ready. The terminal that connects joins it
   * (at its own size); a shell nobody joins ends after the grace period, like one its tabs left.
   * Best effort: a failure here is the connecting terminal's to meet and report.
   */
  async openAhead(userId: string, sandboxId: string): Promise<void> {
    try {
      const state = await this.deps.attachable(userId, sandboxId);
      if (!state) return;
      (await this.session(userId, sandboxId, state, AHEAD_SIZE)).awaitClient();
    } catch (error) {
      this.deps.log.warn({ sandboxId, reason: (error as Error).message }, "could not open the learner's shell ahead");
    }
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

  stats(): BridgeStats {
    let bufferedBytes = 0;
    for (const ws of this.wss.clients) bufferedBytes += ws.bufferedAmount;
    let queuedInputBytes = 0;
    for (const s of this.sessions.values()) queuedInputBytes += s.queuedInput;
    let mirrorBacklogBytes = 0;
    for (const s of this.sessions.values()) mirrorBacklogBytes += s.mirrorBacklog;
    return {
      connections: this.connections, shells: this.sessions.size, bufferedBytes, queuedInputBytes, mirrorBacklogBytes,
      mirrorLargestSlice: this.pump.largestSlice, ...this.counters,
    };
  }

  close(): void {
    clearInterval(this.heartbeat);
    clearInterval(this.rechecking);
    for (const s of this.sessions.values()) s.close();
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }

  private count(delta: number): void {
    this.connections += delta;
    this.deps.onConnectionCount?.(this.connections);
  }

  private static bump(map: Map<string, number>, key: string, delta: number): number {
    const n = (map.get(key) ?? 0) + delta;
    if (n <= 0) map.delete(key);
    else map.set(key, n);
    return n;
  }

  /** Signed out, removed, or no longer the lab's owner: the socket is closed with why. */
  private async recheckAll(): Promise<void> {
    for (const client of [...this.clients]) {
      if (client.gone) continue;
      let verdict: TerminalStatus["state"] | null;
      try {
        verdict = await this.deps.recheck(client.req, client.userId, client.session.sandboxId);
      } catch (error) {
        // The database did not answer this once; the next round asks again.
        this.deps.log.warn({ err: error }, "terminal recheck failed");
        continue;
      }
      if (verdict === null || client.gone) continue;
      this.deps.log.info({ userId: client.userId, sandboxId: client.session.sandboxId, verdict }, "terminal closed on recheck");
      client.status({ state: verdict });
      client.ws.close(verdict === "lab-missing" || verdict === "lab-ended" ? CLOSE.labGone : CLOSE.signedOut, verdict);
    }
  }

  private async accept(ws: WebSocket, req: IncomingMessage): Promise<void> {
    this.count(1);
    (ws as WebSocket & { kubelabAlive?: boolean }).kubelabAlive = true;
    ws.on("pong", () => ((ws as WebSocket & { kubelabAlive?: boolean }).kubelabAlive = true));
    // ws reports protocol violations (an oversize frame, bad UTF-8 in a close) as an 'error'
    // event and then closes the socket itself; unheard, that event would throw and end the
    // whole server, for anyone who can open a socket.
    ws.on("error", (err) => this.deps.log.warn({ reason: err.message }, "terminal socket error"));
    const address = this.deps.address(req);
    const fromAddress = TerminalBridge.bump(this.perAddress, address, 1);
    let learner: string | undefined;
    // Listen at once: a browser sends its size and first keys right after the socket opens,
    // while we are still checking the token. Those frames wait here, in order, but only a
    // few: a client that floods before it is known is closed.
    const early: Array<{ raw: Buffer; isBinary: boolean }> = [];
    let earlyBytes = 0;
    let deliver: ((raw: Buffer, isBinary: boolean) => void) | undefined;
    let client: Client | undefined;
    ws.on("message", (raw, isBinary) => {
      if (deliver) return deliver(raw as Buffer, isBinary);
      earlyBytes += (raw as Buffer).length;
      if (early.length >= MAX_EARLY_FRAMES || earlyBytes > MAX_EARLY_BYTES) {
        early.length = 0;
        if (ws.readyState === ws.OPEN) {
          this.deps.log.warn({ address }, "terminal socket flooded before authentication");
          ws.close(CLOSE.earlyFlood, "too many frames before authentication");
        }
        return;
      }
      early.push({ raw: raw as Buffer, isBinary });
    });
    ws.on("close", () => {
      this.count(-1);
      TerminalBridge.bump(this.perAddress, address, -1);
      if (learner !== undefined) TerminalBridge.bump(this.perLearner, learner, -1);
      if (client) {
        client.closed();
        this.clients.delete(client);
        client.session.remove(client);
      }
    });
    // Refusals are sent as a status frame before closing, so the page can say what happened
    // instead of showing an empty terminal.
    const refuse = (state: TerminalStatus["state"], code: number) => {
      ws.send(encodeServer({ op: Op.Status, status: { state } }));
      ws.close(code, state);
    };
    if (fromAddress > this.limits.socketsPerAddress) {
      this.deps.log.warn({ address, open: fromAddress }, "terminal sockets per address over the cap");
      return refuse("too-many-terminals", CLOSE.tooMany);
    }
    try {
      const who = await this.deps.authenticate(req);
      if (ws.readyState !== ws.OPEN) return;
      if ("refused" in who) return refuse(who.refused, who.refused === "token-expired" ? CLOSE.tokenExpired : CLOSE.policy);
      learner = who.userId;
      const mine = TerminalBridge.bump(this.perLearner, who.userId, 1);
      if (mine > this.limits.socketsPerLearner) {
        this.deps.log.warn({ userId: who.userId, open: mine }, "terminal sockets per learner over the cap");
        return refuse("too-many-terminals", CLOSE.tooMany);
      }
      const state = await this.deps.attachable(who.userId, who.sandboxId);
      if (!state) return refuse("lab-missing", CLOSE.labGone);
      const size = initialSize(req);
      const session = await this.session(who.userId, who.sandboxId, state, size);
      if (ws.readyState !== ws.OPEN) return;
      // The first tab of a shell opened ahead, or of one whose tabs all left, sets its size.
      if (session.clients.size === 0) session.resize(size);
      const attached = new Client(ws, session, req, who.userId, this.limits.stallMs);
      client = attached;
      this.clients.add(attached);
      attached.status({ state: "attached" });
      // Redraw the screen this shell already has (empty for a brand-new shell), then go live.
      attached.release(await session.join(attached));
      this.deps.log.info({ sandboxId: who.sandboxId, userId: who.userId, tabs: session.clients.size }, "terminal attached");
      deliver = (raw, isBinary) => this.onMessage(attached, raw, isBinary, who.sandboxId);
      for (const m of early.splice(0)) deliver(m.raw, m.isBinary);
    } catch (error) {
      if (error instanceof EngineUnreachableError) {
        // The engine is restarting: no refusal, so the page tries again (with back-off).
        this.deps.log.warn({ reason: error.message }, "terminal attach waits for the lab engine");
        if (ws.readyState === ws.OPEN) ws.close(CLOSE.engineLost, "lab engine unavailable");
        return;
      }
      this.deps.log.error({ err: error }, "terminal attach failed");
      if (ws.readyState === ws.OPEN) refuse("error", CLOSE.serverError);
    }
  }

  private onMessage(client: Client, raw: Buffer, isBinary: boolean, sandboxId: string): void {
    if (client.gone) return;
    try {
      if (!isBinary) throw new FrameError("text frames are not part of the protocol", 1003);
      const frame = decodeClient(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
      switch (frame.op) {
        case Op.Input:
          if (client.session.input(frame.data)) this.deps.touch(sandboxId);
          else client.inputDropped();
          break;
        case Op.Resize:
          client.session.resize(frame.size);
          break;
        case Op.Pause:
          client.flow.clientPause(true);
          break;
        case Op.Resume:
          client.flow.clientPause(false);
          break;
        case Op.Ping:
          client.sendSmall(encodeServer({ op: Op.Pong, nonce: frame.nonce }));
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
      }, this.deps.graceMs, this.counters, this.limits.resizeIntervalMs, this.pump, this.deps.onEcho);
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
