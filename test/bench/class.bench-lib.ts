// `npm run bench -- class [--learners N] [--browsers B] [--minutes M] [--faults] [--scheduled]
// [--capacity C] [--replicas R] [--server-nice N]`: a whole class on one host (with --replicas, on
// R servers sharing one PostgreSQL behind a balancer; with --server-nice, the servers started with
// KUBELAB_SERVER_NICE). N simulated learners against the production
// server (test/support/server.ts) on loopback, each through the routes a browser uses: an
// anonymous session (a third signed up and enrolled in a cohort whose instructor has the
// dashboard stream open), Start lab and its status polled, the terminal WebSocket typing the lessons' own commands key by key at a human pace, the
// live-check stream of the current lesson open, Check every 30 s, the next exercise and lesson
// once one passes. B of them (default 2) are real Chromium pages driven by playwright-core.
// Measured: lab start → ready and → prompt, Check round trips, keystroke echo, pass → the
// instructor's stream showing it, errors by kind, server CPU and RSS, host memory and load, each
// lab's CPU while its learner is idle and while busy. The faults (class-faults.bench-lib.ts) run
// in the same class once it has settled.
// With --scheduled every simulated learner is enrolled and the instructor presses "Class starts
// now" first: learners arrive once the dashboard counts their labs warm.
//
// Nothing here asserts speed; it measures and returns rows for run.ts to print.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { cpus, loadavg, totalmem } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Docker from "dockerode";
import type { Browser, Page } from "playwright-core";
import { WebSocket } from "ws";
import { LIVE_EVENT, liveFrameSchema } from "@/app/_lib/grader/live-frames";
import { postgresAdapter, postgresClient, sqliteClient } from "@/app/_lib/db/create";
import type { PrismaClient } from "@/prisma/generated/client";
import { readExercises } from "@/app/_lib/lessons/exercises";
import { LABEL } from "@/sandbox/providers/types";
import { decodeServer, encodeClient, Op } from "@/sandbox/terminal/protocol";
import { launchBrowser } from "../support/browser";
import { EchoProfile, groupProcesses } from "./class-profile.bench-lib";
import { type Balancer, startBalancer } from "../support/balancer";
import { dropTestDatabases, emptyPostgresDatabase } from "../support/database";
import { requireDockerAndImage } from "../support/docker";
import { cursor, labState, screen, TERMINAL, terminalState } from "../support/lab-page";
import { buildActions, callAction, cookieFrom, pagePathOf } from "../support/server-action";
import { freePort, type RunningServer, startServer } from "../support/server";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const CONTENT = path.join(root, "content");
/** The lessons a class walks through, in order; every exercise of each, typed from its solution. */
const LESSONS = ["04-pods", "05-deployments-and-replicasets", "06-services", "07-scaling", "08-rolling-updates-and-rollbacks", "11-namespaces-labels-selectors"];
const CHECK_EVERY_MS = 30_000;
/** A person types about 5–8 keys a second. */
const KEY_MS = { min: 110, max: 220 };
const READY_TIMEOUT_MS = 15 * 60_000;
const ACTION_TIMEOUT_MS = 120_000;

export interface ClassOptions {
  learners: number;
  browsers: number;
  /** Minutes of class after the last lab is ready. */
  minutes: number;
  /** Called once the class has settled, with the running class; faults go here. */
  duringClass?: (cls: ClassRun) => Promise<void>;
  /** The server's data directory (the disk-full fault puts it on a small tmpfs). */
  dataDir?: string;
  /**
   * A scheduled class: every simulated learner is signed up and enrolled before class, the
   * instructor presses "Class starts now", and learners arrive once the dashboard counts a
   * ready lab for each of them (or after 10 minutes, whatever it counts then).
   */
  scheduled?: boolean;
  /**
   * KUBELAB_CAPACITY for the server. Unset, the server derives it from this host's memory and
   * cores, as in production, and learners past it wait in the queue (recorded, not errors).
   */
  capacity?: number;
  /**
   * Kubelab servers behind a loopback balancer (test/support/balancer.ts), on one PostgreSQL
   * database of the test server (sandbox/host/postgres-test.sh), as an operator runs several.
   * 1 (the default): one server on SQLite, as on a single host.
   */
  replicas?: number;
  /** KUBELAB_SERVER_NICE for the servers: their CPU priority against the labs (app/_lib/config/cpu-priority.ts). */
  serverNice?: number;
}

// ---- small helpers -------------------------------------------------------------------------------

export class Errors {
  readonly byKind = new Map<string, number>();
  readonly examples = new Map<string, string>();
  add(kind: string, detail = ""): void {
    this.byKind.set(kind, (this.byKind.get(kind) ?? 0) + 1);
    if (!this.examples.has(kind)) this.examples.set(kind, detail.slice(0, 300));
  }
  total(): number {
    return [...this.byKind.values()].reduce((a, b) => a + b, 0);
  }
}

const rand = (min: number, max: number) => min + Math.random() * (max - min);
const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, "").replace(/\x1b[()][A-Z0-9]/g, "").replace(/\r/g, "");

/** The commands of an exercise's solution, one learner line each (comments dropped). */
function solutionLines(solve: string): string[] {
  return solve.split("\n").filter((l) => l.trim() !== "" && !/^\s*#/.test(l));
}

export interface Step {
  lessonId: string;
  exerciseId: string;
  lines: string[];
}

function courseSteps(): Step[] {
  const steps: Step[] = [];
  for (const lessonId of LESSONS) {
    const file = readExercises(CONTENT, lessonId);
    for (const e of file?.exercises ?? []) if (e.solve) steps.push({ lessonId, exerciseId: e.id, lines: solutionLines(e.solve) });
  }
  if (steps.length === 0) throw new Error(`no exercises with a solution in ${LESSONS.join(", ")}`);
  return steps;
}

/** Reads an SSE stream (GET with a cookie) as a browser's EventSource would, until closed. */
export function sse(baseURL: string, urlPath: string, cookie: string, onEvent: (event: string, data: string) => void): { close(): void; ended: Promise<string> } {
  let req: ReturnType<typeof request> | undefined;
  let closedByUs = false;
  const ended = new Promise<string>((resolve) => {
    req = request(new URL(urlPath, baseURL), { headers: { cookie, accept: "text/event-stream" } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        resolve(`http ${res.statusCode}`);
        return;
      }
      res.setEncoding("utf8");
      let buffer = "";
      res.on("data", (chunk: string) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = block.split("\n").find((l) => l.startsWith("event: "))?.slice(7) ?? "message";
          const data = block.split("\n").find((l) => l.startsWith("data: "))?.slice(6);
          if (data !== undefined) onEvent(event, data);
        }
      });
      res.on("end", () => resolve(closedByUs ? "closed" : "ended by server"));
      res.on("error", (e) => resolve(closedByUs ? "closed" : `error ${e.message}`));
    });
    req.on("error", (e) => resolve(closedByUs ? "closed" : `error ${e.message}`));
    req.end();
  });
  return {
    close: () => {
      closedByUs = true;
      req?.destroy();
    },
    ended,
  };
}

// ---- the class -------------------------------------------------------------------------------------

/** A place in the line of learners waiting for a lab, as their panel shows it. */
interface QueuePlace {
  position: number;
  queueLength: number;
}

interface PassMark {
  at: number;
}

export class ClassRun {
  readonly errors = new Errors();
  readonly readyMs: number[] = [];
  readonly promptMs: number[] = [];
  /** Learners still in the queue when the bench stopped waiting, with the first place they were shown (pages: not read). */
  readonly queued: Array<{ learner: number; place?: QueuePlace }> = [];
  /** Until when a learner in the queue keeps waiting for a lab (Date.now() ms); set as the class arrives. */
  queueGiveUpAt = Number.POSITIVE_INFINITY;
  /** A scheduled class: seconds from "Class starts now" until the dashboard counted every lab ready, and how many it counted. */
  warmed?: { seconds: number; ready: number; enrolled: number; capacity: number; short: number };
  readonly browserPromptMs: number[] = [];
  readonly checkMs: number[] = [];
  readonly echoMs: number[] = [];
  readonly matrixMs: number[] = [];
  readonly checkOutcomes = new Map<string, number>();
  readonly passes = new Map<string, PassMark>();
  readonly matrixSeen = new Map<string, number>();
  readonly learners: SimLearner[] = [];
  readonly pages: BrowserLearner[] = [];
  /** Set while a fault is being caused: errors then count against the fault, not the class. */
  fault: string | null = null;
  /** The fault caused last and when it was over: an error soon after it is likely its tail. */
  lastFault?: { name: string; endedAt: number };
  readonly faultErrors = new Map<string, Errors>();
  stopping = false;
  /** Learners stop typing (they look at the screen) while a fault is caused and probed. */
  paused = false;
  /** Every Check answer, for the fault that is under way. */
  onCheck?: (label: string) => void;
  instructorFrameAt = 0;
  cohortId = "";
  inviteCode = "";
  adminCookie = "";
  instructorStream?: ReturnType<typeof sse>;
  instructorFrames = 0;
  readonly actions = buildActions(root);
  readonly steps = courseSteps();
  constructor(
    /** The kubelab servers (one, or the replicas behind the balancer); the server fault kills the first. */
    readonly servers: RunningServer[],
    readonly env: Record<string, string>,
    readonly docker: Docker,
    readonly installation: string,
    /** The servers' own database, read by the bench (user ids; before/after a fault). */
    readonly db: PrismaClient,
    /** Where learners go: the one server, or the balancer in front of the replicas. */
    readonly baseURL: string,
  ) {}

  error(kind: string, detail = ""): void {
    // The class is over and the server going: a Check still in flight is no learner's error.
    if (this.stopping) return;
    if (this.fault) {
      let e = this.faultErrors.get(this.fault);
      if (!e) this.faultErrors.set(this.fault, (e = new Errors()));
      e.add(kind, detail);
    } else {
      const after = this.lastFault ? `, ${((performance.now() - this.lastFault.endedAt) / 1000).toFixed(1)} s after the fault "${this.lastFault.name}" was over` : "";
      this.errors.add(kind, `${detail}${after}`);
    }
  }

  async call(file: string, name: string, args: unknown[], cookie?: string) {
    const action = this.actions.find((a) => a.filename === file && a.exportedName === name);
    if (!action) throw new Error(`${file}#${name} is not in the build`);
    // A browser's request does not wait forever either: a server that accepts and never answers
    // (one still starting) must become an error, not a learner stuck for the rest of the run.
    const send = () =>
      Promise.race([
        callAction(this.baseURL, { id: action.id, path: pagePathOf(action, LESSONS[0]!) }, args, { cookie }),
        sleep(ACTION_TIMEOUT_MS, undefined, { ref: false }).then(() => {
          throw new Error(`${name}: no answer within ${ACTION_TIMEOUT_MS / 1000} s`);
        }),
      ]);
    try {
      return await send();
    } catch (error) {
      // A kept-alive connection the server closed (its 5 s idle limit) just as this request went
      // out: nothing reached the server. A browser sends such a request again on a new connection
      // (Chromium does, POST included); so does the simulated learner, once, and counts it.
      if ((error as Error).cause && /other side closed/.test(String(((error as Error).cause as Error).message))) {
        this.resentOnClosedConnection++;
        return send();
      }
      throw error;
    }
  }
  /** Server actions sent again after a kept-alive connection closed under them (see call). */
  resentOnClosedConnection = 0;

  /** The instructor's dashboard stream: a pass's arrival time, per cell. */
  openInstructorStream(): void {
    this.instructorStream?.close();
    const s = sse(this.baseURL, `/api/cohorts/${this.cohortId}/events`, this.adminCookie, (event, data) => {
      this.instructorFrames++;
      this.instructorFrameAt = performance.now();
      if (event !== "progress") return;
      const f = JSON.parse(data) as { userId: string; lessonId: string; exerciseId: string; outcome: string };
      const key = `${f.userId}/${f.lessonId}/${f.exerciseId}`;
      if (f.outcome === "pass" && !this.matrixSeen.has(key)) {
        const now = Date.now();
        this.matrixSeen.set(key, now);
        const pass = this.passes.get(key);
        if (pass) this.matrixMs.push(now - pass.at);
      }
    });
    this.instructorStream = s;
    void s.ended.then((why) => {
      if (this.instructorStream === s && !this.stopping && why !== "closed") {
        this.error("instructor stream ended", why);
        setTimeout(() => this.instructorStream === s && !this.stopping && this.openInstructorStream(), 1000);
      }
    });
  }

  /**
   * The learner saw the pass (live frame or Check answer): the dashboard's clock starts here.
   * Both come from the same grading, so this is the server's fan-out to the instructor, plus
   * the instructor stream's own way over the network; negative when the dashboard heard first.
   */
  passed(userId: string, step: Step): void {
    this.learnerPasses++;
    const key = `${userId}/${step.lessonId}/${step.exerciseId}`;
    if (this.passes.has(key)) return;
    const at = Date.now();
    this.passes.set(key, { at });
    const seen = this.matrixSeen.get(key);
    if (seen !== undefined) this.matrixMs.push(seen - at);
  }

  learnerPasses = 0;
}

class Interrupted extends Error {}

/** An error's message with its cause's: fetch's "fetch failed" alone does not say whether a connection was refused, reset or timed out. */
function withCause(e: unknown): string {
  const cause = (e as Error).cause as { code?: string; message?: string } | undefined;
  return cause ? `${(e as Error).message} (${[cause.code, cause.message].filter(Boolean).join(": ")})` : (e as Error).message;
}

// ---- one simulated learner ----------------------------------------------------------------------

export class SimLearner {
  cookie = "";
  userId = "";
  ws?: WebSocket;
  wsAttached = false;
  screenText = "";
  private lastOutputAt = 0;
  private echoWait?: { t0: number; resolve: () => void };
  live?: ReturnType<typeof sse>;
  liveLesson = "";
  step = 0;
  passedCurrent = false;
  busy = false;
  startedAt = 0;
  readyAt = 0;
  done = false;
  sandboxId = "";
  private reconnecting = false;
  /** When the terminal last said attached, and when a live frame last came. */
  attachedAt = 0;
  liveFrameAt = 0;
  /** A fault stopped the learner mid-step: the step is typed again from its first line. */
  interrupted = false;
  /** The lab itself is gone (its container killed): no reconnecting, the learner starts a new one. */
  labGone = false;

  constructor(
    readonly cls: ClassRun,
    readonly index: number,
    readonly enrolled: boolean,
  ) {}

  get current(): Step | undefined {
    return this.cls.steps[this.step];
  }

  async identity(): Promise<void> {
    const c = this.cls;
    if (!this.enrolled || this.cookie) return; // the anonymous session comes with Start lab; signed up already
    const form = new FormData();
    form.append("locale", "en");
    form.append("email", `class-${c.installation}-${this.index}@bench.example`);
    form.append("password", `bench-${c.installation}-pass-${this.index}`);
    form.append("displayName", `Learner ${this.index}`);
    const up = await c.call("app/_lib/auth/actions.ts", "signUpAction", [{}, form]);
    const cookie = cookieFrom(up.setCookies, "kubelab_session");
    if (!cookie) throw new Error(`sign-up of learner ${this.index} set no session: ${up.status} ${up.raw.slice(0, 200)}`);
    this.cookie = cookie;
    const joined = await c.call("app/_lib/cohort/actions.ts", "joinCohortAction", [{ code: c.inviteCode }], this.cookie);
    if ((joined.value as { ok?: boolean } | undefined)?.ok !== true) throw new Error(`learner ${this.index} could not join: ${JSON.stringify(joined.value)}`);
  }

  /** Starts a lab and waits for it; false when the learner was still in the queue at giveUpAt (ms since the epoch). */
  async startLab(record = true, giveUpAt = this.cls.queueGiveUpAt): Promise<boolean> {
    const c = this.cls;
    let queuedFirst: QueuePlace | undefined;
    this.labGone = false;
    this.startedAt = performance.now();
    const started = await c.call("app/_lib/lab/actions.ts", "startLabAction", [{ locale: "en", lessonId: null }], this.cookie || undefined);
    this.cookie ||= cookieFrom(started.setCookies, "kubelab_session") ?? "";
    if (!this.cookie) throw new Error(`Start lab set no session: ${started.status} ${started.raw.slice(0, 200)}`);
    const answer = started.value as { ok?: boolean; error?: string } | undefined;
    if (answer?.ok === false) throw new Error(`Start lab refused: ${answer.error ?? started.raw.slice(0, 200)}`);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      const st = await c.call("app/_lib/lab/actions.ts", "labStatusAction", [], this.cookie);
      const view = (st.value as { data?: { view?: { state: string; sandboxId?: string; position?: number; queueLength?: number } } } | undefined)?.data?.view;
      if (view?.state === "queued") {
        // The host is full: the learner's panel shows their place in the line (and an estimate).
        queuedFirst ??= { position: view.position ?? 0, queueLength: view.queueLength ?? 0 };
        if (Date.now() > giveUpAt) {
          c.queued.push({ learner: this.index, place: queuedFirst });
          return false;
        }
      }
      if (view?.state === "ready") {
        this.sandboxId = view.sandboxId ?? "";
        break;
      }
      if (view?.state === "ended" || st.threw || st.status !== 200) throw new Error(`lab of learner ${this.index}: ${st.status} ${JSON.stringify(view)}`);
      if (Date.now() > deadline) throw new Error(`lab of learner ${this.index} not ready in ${READY_TIMEOUT_MS} ms: ${JSON.stringify(view)}`);
      // The page polls its lab status about once a second while starting.
      await sleep(1000);
    }
    this.readyAt = performance.now();
    if (record) c.readyMs.push(this.readyAt - this.startedAt);
    // The dashboard names learners by user id, which no browser route tells the learner.
    this.userId = (await c.db.sandbox.findUnique({ where: { id: this.sandboxId }, select: { userId: true } }))?.userId ?? "";
    await this.openTerminal();
    if (record) c.promptMs.push(performance.now() - this.startedAt);
    return true;
  }

  async openTerminal(): Promise<void> {
    const c = this.cls;
    const ticket = (await c.call("app/_lib/lab/actions.ts", "terminalTicketAction", [], this.cookie)).value as { ok: boolean; data?: { token: string }; error?: string };
    if (!ticket?.ok || !ticket.data?.token) throw new Error(`no terminal ticket: ${JSON.stringify(ticket)}`);
    const ws = new WebSocket(`${c.baseURL.replace("http", "ws")}/terminal?token=${encodeURIComponent(ticket.data.token)}&cols=120&rows=40`, { headers: { cookie: this.cookie } });
    ws.binaryType = "nodebuffer";
    this.ws = ws;
    this.wsAttached = false;
    this.screenText = "";
    ws.on("message", (raw: Buffer) => {
      const f = decodeServer(new Uint8Array(raw));
      if (f.op === Op.Output) {
        ws.send(encodeClient({ op: Op.Ack, bytes: f.data.length }));
        this.screenText = (this.screenText + Buffer.from(f.data).toString("utf8")).slice(-8000);
        this.lastOutputAt = performance.now();
        const w = this.echoWait;
        if (w) {
          this.echoWait = undefined;
          c.echoMs.push(performance.now() - w.t0);
          w.resolve();
        }
      } else if (f.op === Op.Status) {
        if (f.status.state === "attached") {
          this.wsAttached = true;
          this.attachedAt = performance.now();
        } else if (f.status.state !== "input-dropped") this.statusSeen = f.status.state;
        if (f.status.state === "lab-ended" || f.status.state === "lab-missing") this.labGone = true;
      } else if (f.op === Op.Exit) {
        // The server closes with 1000 after this frame: the learner's shell itself ended.
        this.statusSeen = `shell exited with ${f.code}`;
      }
    });
    ws.on("error", () => undefined);
    ws.on("close", (code) => {
      if (this.ws !== ws) return;
      this.wsAttached = false;
      if (!c.stopping) {
        c.error(`terminal closed (${this.statusSeen ?? code})`, `learner ${this.index}`);
        if (!this.labGone) void this.reconnect();
      }
    });
    try {
      await this.waitUntil(() => this.wsAttached, 30_000, "the terminal attached");
      // A terminal attached again after an outage shows the shell as it was, maybe with a
      // half-typed line or a command still running; the learner presses Ctrl+C for a fresh prompt
      // (and types the step again). On a new lab it just prints another prompt.
      this.screenText = "";
      ws.send(encodeClient({ op: Op.Input, data: new TextEncoder().encode("\x03") }));
      await this.waitUntil(() => /\$ $/.test(stripAnsi(this.screenText)), 30_000, "the terminal prompt");
    } catch (error) {
      // As a page does before it tries again: the socket that never became a terminal is closed,
      // or a slow server would count every attempt against the learner's cap of open sockets.
      ws.close();
      throw error;
    }
  }

  statusSeen?: string;

  /** As the page does: a new ticket and socket a moment later, for as long as the lab is there. */
  async reconnect(): Promise<void> {
    if (this.reconnecting) return;
    this.reconnecting = true;
    try {
      for (let attempt = 0; !this.cls.stopping && !this.labGone; attempt++) {
        await sleep(Math.min(1000 * 2 ** attempt, 5000));
        try {
          await this.openTerminal();
          this.statusSeen = undefined;
          return;
        } catch {
          // the server or the lab is not back yet
        }
      }
    } finally {
      this.reconnecting = false;
    }
  }

  async waitUntil(ok: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!ok()) {
      if (performance.now() > deadline) throw new Error(`learner ${this.index}: no ${what} within ${timeoutMs} ms; screen: ${JSON.stringify(stripAnsi(this.screenText).slice(-200))}`);
      await sleep(100);
    }
  }

  /** One key: sent, and timed until the next output (the echo). */
  private async key(ch: string): Promise<void> {
    while (this.cls.paused && !this.cls.stopping) await sleep(200);
    if (this.interrupted) throw new Interrupted();
    const ws = this.ws;
    if (!ws || ws.readyState !== ws.OPEN || !this.wsAttached) throw new Error("terminal not attached");
    const echoed = new Promise<void>((resolve) => (this.echoWait = { t0: performance.now(), resolve }));
    ws.send(encodeClient({ op: Op.Input, data: new TextEncoder().encode(ch) }));
    await Promise.race([echoed, sleep(5000)]);
    if (this.echoWait) {
      this.echoWait = undefined;
      this.cls.error("keystroke not echoed within 5 s", `learner ${this.index} key ${JSON.stringify(ch)}`);
    }
  }

  /** Types a line at a human pace, presses Enter, waits for the shell to come back. */
  async typeLine(line: string): Promise<void> {
    for (const ch of line) {
      await this.key(ch);
      await sleep(rand(KEY_MS.min, KEY_MS.max));
    }
    this.screenText = "";
    if (!this.ws || this.ws.readyState !== this.ws.OPEN) throw new Error("terminal not open at Enter");
    this.ws.send(encodeClient({ op: Op.Input, data: new TextEncoder().encode("\r") }));
    // Back at a prompt ($ or a continuation >) and quiet for a moment.
    await this.waitUntil(() => /[$>] $/.test(stripAnsi(this.screenText)) && performance.now() - this.lastOutputAt > 400, 240_000, "prompt after the command");
  }

  openLive(lessonId: string): void {
    if (this.live && this.liveLesson === lessonId) return;
    this.live?.close();
    this.liveLesson = lessonId;
    const s = sse(this.cls.baseURL, `/api/lessons/${lessonId}/live`, this.cookie, (event, data) => {
      if (event !== LIVE_EVENT) return;
      const f = liveFrameSchema.safeParse(JSON.parse(data));
      if (!f.success) return this.cls.error("malformed live frame", data.slice(0, 200));
      this.liveFrameAt = performance.now();
      if (f.data.type === "refused") this.cls.error(`live stream refused (${f.data.reason})`);
      if (f.data.type === "results") {
        const step = this.current;
        if (step && f.data.results.exerciseId === step.exerciseId && f.data.results.lessonId === step.lessonId && f.data.results.outcome === "pass") {
          this.cls.passed(this.userId, step);
          this.passedCurrent = true;
        }
      }
    });
    this.live = s;
    void s.ended.then((why) => {
      if (this.live !== s || this.cls.stopping || why === "closed") return;
      this.cls.error("live stream ended", why);
      this.live = undefined;
      // EventSource reconnects by itself after a few seconds.
      setTimeout(() => !this.cls.stopping && this.current && this.openLive(this.current.lessonId), 3000);
    });
  }

  /** Check's answer: pass, fail, error, not-saved, too-often, threw, http …, or failed. */
  async check(): Promise<string> {
    const step = this.current;
    if (!step) return "none";
    const t0 = performance.now();
    try {
      const a = await this.cls.call("app/_lib/grader/actions.ts", "checkExerciseAction", [{ lessonId: step.lessonId, exerciseId: step.exerciseId }], this.cookie);
      this.cls.checkMs.push(performance.now() - t0);
      const r = a.value as { ok: boolean; data?: { kind: string; results?: { outcome: string } }; error?: string } | undefined;
      const v = r?.ok ? r.data : undefined;
      const refused = r && !r.ok ? (r.error === "rateLimited" ? "too-often" : (r.error ?? "refused")) : undefined;
      const label = a.threw ? "threw" : a.status !== 200 ? `http ${a.status}` : refused ?? (v?.kind === "graded" ? v.results!.outcome : (v?.kind ?? "none"));
      this.cls.checkOutcomes.set(label, (this.cls.checkOutcomes.get(label) ?? 0) + 1);
      if (label === "pass" && this.current === step) {
        this.cls.passed(this.userId, step);
        this.passedCurrent = true;
      } else if (label !== "fail" && label !== "pass" && label !== "too-often") {
        this.cls.error(`Check answered ${label}`, `learner ${this.index} ${step.lessonId}/${step.exerciseId}`);
      }
      this.cls.onCheck?.(label);
      return label;
    } catch (e) {
      this.cls.error("Check request failed", withCause(e));
      this.cls.onCheck?.("failed");
      return "failed";
    }
  }

  /** One key that must come back: the terminal works. Leaves the line as it was. */
  async probe(timeoutMs = 5000): Promise<boolean> {
    const ws = this.ws;
    if (!ws || ws.readyState !== ws.OPEN || !this.wsAttached) return false;
    const t0 = performance.now();
    const before = this.lastOutputAt;
    ws.send(encodeClient({ op: Op.Input, data: new TextEncoder().encode("q") }));
    while (this.lastOutputAt === before && performance.now() - t0 < timeoutMs) await sleep(50);
    ws.send(encodeClient({ op: Op.Input, data: new TextEncoder().encode("\x7f") }));
    return this.lastOutputAt !== before;
  }

  /** The lessons in order: type each exercise's solution, Check, on to the next once it passes. */
  async walk(until: () => boolean): Promise<void> {
    const checker = setInterval(() => void this.check(), CHECK_EVERY_MS + rand(-3000, 3000));
    try {
      while (!until() && this.current) {
        const step = this.current;
        this.openLive(step.lessonId);
        this.passedCurrent = false;
        this.busy = true;
        do {
          this.interrupted = false;
          for (const line of step.lines) {
            if (until()) return;
            try {
              await this.typeLine(line);
            } catch (e) {
              if (!(e instanceof Interrupted) && !this.cls.fault && !this.cls.paused) this.cls.error("typing failed", (e as Error).message);
              // Always yield a moment first: a socket that is closing still counts as attached until
              // its close event, which never comes while this loop retries without giving the
              // event loop a turn (a run once hung here, spinning, after a fault).
              await sleep(200);
              while ((this.cls.paused || this.labGone) && !this.cls.stopping) await sleep(200);
              await this.waitUntil(() => this.wsAttached && this.ws?.readyState === WebSocket.OPEN, 300_000, "the terminal back").catch(() => undefined);
              this.interrupted = true;
              break;
            }
          }
        } while (this.interrupted && !until());
        this.busy = false;
        await this.check();
        // A learner reads the lesson and presses Check again (the interval above) until it passes.
        const deadline = Date.now() + 120_000;
        while (!this.passedCurrent && !until() && Date.now() < deadline) await sleep(1000);
        if (!this.passedCurrent && !until()) this.cls.error("exercise did not pass within 2 min of its solution", `${step.lessonId}/${step.exerciseId}`);
        this.step++;
        await sleep(rand(5000, 15000)); // reading the next part of the lesson
      }
      this.done = !this.current;
    } finally {
      clearInterval(checker);
      this.busy = false;
    }
  }

  close(): void {
    this.live?.close();
    const ws = this.ws;
    this.ws = undefined;
    ws?.terminate();
  }
}

/** support/lab-page's waitForShell without vitest's expect.poll (the bench runs outside vitest). */
async function shellReady(page: Page, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await terminalState(page)) === "attached") {
        const lines = (await screen(page)).trimEnd().split("\n");
        const last = lines[lines.length - 1] ?? "";
        if (last.endsWith("$") && (await cursor(page)).x === last.length + 1) return;
      }
    } catch {
      // the page is between renders
    }
    if (Date.now() > deadline) throw new Error(`no usable prompt in the browser within ${timeoutMs} ms`);
    await sleep(200);
  }
}

// ---- a learner in a real browser -----------------------------------------------------------------

export class BrowserLearner {
  page?: Page;
  /** Set when the page had a lab and a prompt (not when it was left waiting in the queue). */
  ready = false;
  step = 0;
  constructor(
    readonly cls: ClassRun,
    readonly browser: Browser,
    readonly index: number,
  ) {}

  /** Opens a lesson and presses Start; false when the page still showed the queue at cls.queueGiveUpAt. */
  async start(): Promise<boolean> {
    const context = await this.browser.newContext({ baseURL: this.cls.baseURL, viewport: { width: 1400, height: 900 } });
    const page = (this.page = await context.newPage());
    const first = this.cls.steps[0]!;
    await page.goto(`/en/lessons/${first.lessonId}`);
    const t0 = performance.now();
    await page.click('[data-testid="lab-start"]');
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (let state = await labState(page); state !== "ready"; state = await labState(page)) {
      if (state === "queued" && Date.now() > this.cls.queueGiveUpAt) {
        // The page's own words for its place are the UI's; the bench records that it waited.
        this.cls.queued.push({ learner: -1 - this.index });
        return false;
      }
      if (Date.now() > deadline) throw new Error(`browser learner ${this.index}: lab not ready`);
      await sleep(250);
    }
    await shellReady(page, 120_000);
    this.cls.browserPromptMs.push(performance.now() - t0);
    this.ready = true;
    return true;
  }

  async walk(until: () => boolean): Promise<void> {
    const page = this.page!;
    while (!until() && this.step < this.cls.steps.length) {
      const step = this.cls.steps[this.step]!;
      if (!page.url().includes(`/lessons/${step.lessonId}`)) {
        await page.goto(`/en/lessons/${step.lessonId}`);
        await shellReady(page, 120_000).catch((e) => this.cls.error("browser: no prompt after moving on", (e as Error).message));
      }
      await page.click(TERMINAL);
      for (const line of step.lines) {
        if (until()) return;
        await page.keyboard.type(line, { delay: rand(KEY_MS.min, KEY_MS.max) });
        await page.keyboard.press("Enter");
        const deadline = Date.now() + 240_000;
        await sleep(500);
        while (!/[$>]\s*$/.test((await screen(page)).trimEnd() + " ") && Date.now() < deadline) await sleep(300);
      }
      const card = `[data-testid="exercise"][data-exercise-id="${step.exerciseId}"]`;
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline && !until()) {
        if ((await page.getAttribute(card, "data-done").catch(() => null)) === "true") break;
        const t0 = performance.now();
        await page.click(`${card} [data-testid="exercise-check"]`).catch((e) => this.cls.error("browser: Check not clickable", (e as Error).message));
        await sleep(CHECK_EVERY_MS);
        void t0;
      }
      if ((await page.getAttribute(card, "data-done").catch(() => null)) !== "true" && !until()) this.cls.error("browser: exercise did not pass", `${step.lessonId}/${step.exerciseId}`);
      this.step++;
    }
  }
}

// ---- resources -----------------------------------------------------------------------------------

const TICKS = 100;

/** CPU seconds and RSS of the processes of a process group (the server: tsx and its node). */
function groupUsage(procs: ReturnType<typeof groupProcesses>): { cpu: number; rssMiB: number } {
  return { cpu: procs.reduce((a, p) => a + p.cpuTicks / TICKS, 0), rssMiB: procs.reduce((a, p) => a + (p.rssPages * 4096) / 1024 / 1024, 0) };
}

function memAvailableMiB(): number {
  const m = /MemAvailable:\s+(\d+)/.exec(readFileSync("/proc/meminfo", "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** A lab container's CPU seconds so far, from its cgroup on the host (v1 or v2). */
function containerCpu(id: string): number | null {
  for (const p of [`/sys/fs/cgroup/cpuacct/docker/${id}/cpuacct.usage`, `/sys/fs/cgroup/cpu,cpuacct/docker/${id}/cpuacct.usage`]) {
    if (existsSync(p)) return Number(readFileSync(p, "utf8")) / 1e9;
  }
  for (const p of [`/sys/fs/cgroup/system.slice/docker-${id}.scope/cpu.stat`, `/sys/fs/cgroup/docker/${id}/cpu.stat`]) {
    if (existsSync(p)) return Number(/usage_usec (\d+)/.exec(readFileSync(p, "utf8"))?.[1] ?? NaN) / 1e6;
  }
  return null;
}

export class ResourceSampler {
  readonly serverCpuPct: number[] = [];
  readonly serverRssMiB: number[] = [];
  readonly hostAvailMiB: number[] = [];
  readonly load1: number[] = [];
  readonly labIdlePct: number[] = [];
  readonly labBusyPct: number[] = [];
  readonly labOtherPct: number[] = [];
  /** Where the echo's time goes (class-profile.bench-lib.ts). */
  readonly echo = new EchoProfile();
  private timer?: NodeJS.Timeout;
  private last?: { t: number; server: number; labs: Map<string, number> };

  constructor(private readonly cls: ClassRun) {}

  start(everyMs = 10_000): void {
    this.echo.start();
    this.timer = setInterval(() => void this.sample(), everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.echo.stop();
  }

  private async sample(): Promise<void> {
    const c = this.cls;
    if (c.fault) {
      this.last = undefined;
      return;
    }
    const t = performance.now();
    const groups = new Map(c.servers.map((s) => [s.processGroup, groupProcesses(s.processGroup)]));
    this.echo.sampleThreads(groups);
    await this.echo.sample(c.servers.map((s) => s.baseURL));
    // Every replica's process group together: the servers' share of the host.
    const server = [...groups.values()].map(groupUsage).reduce((a, b) => ({ cpu: a.cpu + b.cpu, rssMiB: a.rssMiB + b.rssMiB }));
    const containers = await c.docker.listContainers({ filters: { label: [`${LABEL.installation}=${c.installation}`] } }).catch(() => []);
    const labs = new Map<string, number>();
    for (const ct of containers) {
      const v = containerCpu(ct.Id);
      if (v !== null) labs.set(ct.Id, v);
    }
    if (this.last) {
      const secs = (t - this.last.t) / 1000;
      this.serverCpuPct.push((100 * (server.cpu - this.last.server)) / secs);
      const bySandbox = new Map(c.learners.filter((l) => l.sandboxId).map((l) => [l.sandboxId, l]));
      for (const ct of containers) {
        const before = this.last.labs.get(ct.Id);
        const now = labs.get(ct.Id);
        if (before === undefined || now === undefined) continue;
        const pct = (100 * (now - before)) / secs;
        const learner = bySandbox.get(ct.Labels[LABEL.sandbox] ?? "");
        // A lab of no simulated learner: a warm one in the pool, or a Chromium learner's.
        if (!learner) this.labOtherPct.push(pct);
        else if (learner.busy) this.labBusyPct.push(pct);
        else this.labIdlePct.push(pct);
      }
    }
    this.serverRssMiB.push(server.rssMiB);
    this.hostAvailMiB.push(memAvailableMiB());
    this.load1.push(loadavg()[0]!);
    this.last = { t, server: server.cpu, labs };
  }
}

// ---- the run -------------------------------------------------------------------------------------

export interface ClassReport {
  cls: ClassRun;
  sampler: ResourceSampler;
  learners: number;
  browsers: number;
  startedLabs: number;
  classMinutes: number;
  note: string;
}

export async function runClass(opts: ClassOptions): Promise<ClassReport> {
  const docker = await requireDockerAndImage();
  const installation = `cls${randomBytes(4).toString("hex")}`;
  const admin = { email: `admin-${installation}@bench.example`, password: `admin-${installation}-password` };
  const env: Record<string, string> = {
    KUBELAB_SECRET: `class-${randomBytes(24).toString("hex")}`,
    KUBELAB_INSTALLATION_ID: installation,
    KUBELAB_POOL_SIZE: "2",
    ...(opts.capacity ? { KUBELAB_CAPACITY: String(opts.capacity) } : {}),
    // Every simulated learner comes from loopback, like a class behind one NAT address: the
    // README's advice for such a class is to raise the per-address cap on waiting labs.
    KUBELAB_MAX_WAITING_LABS_PER_ADDRESS: String(opts.learners + opts.browsers),
    KUBELAB_ADMIN_EMAIL: admin.email,
    KUBELAB_ADMIN_PASSWORD: admin.password,
    KUBELAB_IDLE_TIMEOUT_MIN: "120",
    // The bench reads the servers' echo times and event-loop delay from /metrics.
    KUBELAB_METRICS_LOOPBACK: "1",
    ...(opts.serverNice !== undefined ? { KUBELAB_SERVER_NICE: String(opts.serverNice) } : {}),
  };
  const replicas = opts.replicas ?? 1;
  let db: PrismaClient;
  const servers: RunningServer[] = [];
  let balancer: Balancer | undefined;
  if (replicas > 1) {
    if (opts.dataDir) throw new Error("the disk-full fault fills a server's data directory, which holds no data on PostgreSQL: leave it out with --replicas");
    env.DATABASE_URL = await emptyPostgresDatabase();
    // One after the other: the first migrates the database and makes the first admin.
    for (let i = 0; i < replicas; i++) servers.push(await startServer(env, { port: await freePort() }));
    balancer = await startBalancer(servers.map((s) => Number(new URL(s.baseURL).port)));
    db = postgresClient(postgresAdapter(env.DATABASE_URL));
  } else {
    servers.push(await startServer(env, { port: await freePort(), dataDir: opts.dataDir }));
    db = sqliteClient(path.join(servers[0]!.dataDir, "kubelab.db"));
  }
  const cls = new ClassRun(servers, env, docker, installation, db, balancer?.baseURL ?? servers[0]!.baseURL);
  const sampler = new ResourceSampler(cls);
  let browser: Browser | undefined;
  const removeAll = async () => {
    for (const c of await docker.listContainers({ all: true, filters: { label: [`${LABEL.installation}=${installation}`] } })) {
      await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
    }
  };
  try {
    // The instructor (the admin account here) signs in, makes a cohort and opens the dashboard.
    const form = new FormData();
    form.append("locale", "en");
    form.append("email", admin.email);
    form.append("password", admin.password);
    const signedIn = await cls.call("app/_lib/auth/actions.ts", "signInAction", [{}, form]);
    cls.adminCookie = cookieFrom(signedIn.setCookies, "kubelab_session") ?? "";
    if (!cls.adminCookie) throw new Error(`admin sign-in set no session: ${signedIn.status} ${signedIn.raw.slice(0, 200)}`);
    const now = Date.now();
    const made = await cls.call(
      "app/_lib/cohort/actions.ts",
      "createCohortAction",
      [{ name: `Class ${installation}`, lessonIds: LESSONS, startsAt: new Date(now - 60_000).toISOString(), endsAt: new Date(now + 86_400_000).toISOString() }],
      cls.adminCookie,
    );
    const cohortId = (made.value as { ok: boolean; data?: { id: string } } | undefined)?.data?.id;
    if (!cohortId) throw new Error(`cohort not created: ${JSON.stringify(made.value)}`);
    cls.cohortId = cohortId;
    // The invite link is on the dashboard page; the bench reads its code where the page does.
    cls.inviteCode = (await cls.db.cohort.findUniqueOrThrow({ where: { id: cohortId }, select: { inviteCode: true } })).inviteCode;
    cls.openInstructorStream();

    // The class arrives within the first minute: every learner presses Start at a random moment.
    for (let i = 0; i < opts.learners; i++) cls.learners.push(new SimLearner(cls, i, opts.scheduled === true || i % 3 === 0));
    sampler.start();
    if (opts.scheduled) {
      // Before class: everyone has joined; then "Class starts now", and the dashboard's count.
      const joining = performance.now();
      for (const l of cls.learners) await l.identity();
      process.stderr.write(`[class] ${cls.learners.length} learners signed up and enrolled in ${Math.round((performance.now() - joining) / 1000)} s\n`);
      const t0 = performance.now();
      const pressed = await cls.call("app/_lib/cohort/actions.ts", "startClassNowAction", [{ cohortId }], cls.adminCookie);
      if ((pressed.value as { ok?: boolean } | undefined)?.ok !== true) throw new Error(`Class starts now refused: ${JSON.stringify(pressed.value)}`);
      // How many learners the server said it could not warm a lab for (capacity short).
      const pressedShort = (pressed.value as { data?: { short?: number } }).data?.short ?? 0;
      const deadline = Date.now() + 600_000;
      let told = 0;
      for (;;) {
        const schedule = await cls.call("app/_lib/cohort/actions.ts", "classScheduleAction", [{ cohortId }], cls.adminCookie);
        const labs = (schedule.value as { data?: { labs?: { ready: number; warming: number; enrolled: number; capacity: number } | null } } | undefined)?.data?.labs;
        // Progress every 30 s, so a run that stops here says how far the warm-up got.
        if (performance.now() - told > 30_000) {
          told = performance.now();
          process.stderr.write(`[class] warming: ${labs?.ready ?? "?"} of ${labs?.enrolled ?? "?"} ready after ${Math.round((told - t0) / 1000)} s, load ${loadavg()[0]!.toFixed(1)}\n`);
        }
        // Done when every learner has a warm lab, or when nothing is booting any more because the
        // host's capacity is reached (the rest will wait in the queue when they arrive).
        const settled = labs && labs.warming === 0 && labs.ready > 0 && performance.now() - t0 > 10_000;
        if (labs && (labs.ready >= labs.enrolled || settled || Date.now() > deadline)) {
          cls.warmed = { seconds: (performance.now() - t0) / 1000, ready: labs.ready, enrolled: labs.enrolled, capacity: labs.capacity, short: pressedShort };
          break;
        }
        await sleep(1000);
      }
      process.stderr.write(`[class] ${cls.warmed!.ready} of ${cls.warmed!.enrolled} labs warmed in ${Math.round(cls.warmed!.seconds)} s\n`);
    }
    // Arrivals spread over a minute; a learner still in the queue two minutes after that stops
    // waiting for the bench (in a real class they keep their place until a lab ends).
    cls.queueGiveUpAt = Date.now() + 180_000;
    const arrivals = cls.learners.map(async (l) => {
      await sleep(rand(0, 60_000));
      try {
        await l.identity();
        if (!(await l.startLab())) return false;
        l.openLive(l.current!.lessonId);
        return true;
      } catch (e) {
        cls.error("lab start failed", withCause(e));
        return false;
      }
    });
    const browserStarts: Promise<boolean>[] = [];
    if (opts.browsers > 0) {
      browser = await launchBrowser();
      for (let i = 0; i < opts.browsers; i++) {
        const b = new BrowserLearner(cls, browser, i);
        cls.pages.push(b);
        browserStarts.push(
          (async () => {
            // At a scheduled class the warmed labs are the enrolled learners' and the places
            // left go to whoever presses Start first; the pages press first, so they have labs
            // and the browser side is measured (a page left in the queue measures nothing).
            await sleep(opts.scheduled ? rand(0, 3000) : rand(0, 60_000));
            try {
              return await b.start();
            } catch (e) {
              cls.error("browser lab start failed", (e as Error).message);
              return false;
            }
          })(),
        );
      }
    }
    const started = (await Promise.all(arrivals)).filter(Boolean).length + (await Promise.all(browserStarts)).filter(Boolean).length;
    process.stderr.write(`[class] ${started} labs ready; class runs ${opts.minutes} min\n`);

    // Class: everyone works through the lessons; the faults come once it has settled.
    const classEnd = Date.now() + opts.minutes * 60_000;
    let faultsDone = !opts.duringClass;
    const until = () => faultsDone && Date.now() > classEnd;
    const walking = [
      ...cls.learners.filter((l) => l.readyAt > 0).map((l) => l.walk(until)),
      ...cls.pages.filter((p) => p.ready).map((p) => p.walk(until).catch((e) => cls.error("browser learner failed", (e as Error).message))),
    ];
    if (opts.duringClass) {
      await sleep(Math.min(opts.minutes * 60_000 * 0.3, 120_000));
      await opts.duringClass(cls);
      faultsDone = true;
    }
    await Promise.all(walking);
    return {
      cls,
      sampler,
      learners: opts.learners,
      browsers: opts.browsers,
      startedLabs: started,
      classMinutes: opts.minutes,
      note: `${cpus().length} cores, ${Math.round(totalmem() / 1024 ** 3)} GiB, ${balancer ? `${replicas} servers on one PostgreSQL behind a round-robin balancer (connections: ${[...balancer.connections.values()].join(" / ")}; server CPU and RSS are their sum)` : "one server on SQLite"}${opts.serverNice !== undefined ? `, KUBELAB_SERVER_NICE=${opts.serverNice}` : ""}, ${cls.resentOnClosedConnection} action(s) resent after a closed kept-alive connection`,
    };
  } finally {
    cls.stopping = true;
    sampler.stop();
    for (const l of cls.learners) l.close();
    cls.instructorStream?.close();
    await browser?.close().catch(() => undefined);
    for (const s of cls.servers) await s.stop();
    await balancer?.close();
    await cls.db.$disconnect();
    await removeAll();
    if (replicas > 1) await dropTestDatabases();
  }
}
