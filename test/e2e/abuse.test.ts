// One learner (or a script with their cookie, or no cookie at all) against the real production
// server and a real lab: many tabs of live checks, a flood of Check presses, a sign-out with a
// terminal and a live stream open, lab starts in a loop with no cookie, and one address filling
// the lab queue with anonymous identities. Each attack got through before the limits of issue
// 12 (a watcher in the lab per tab, every Check graded, an open stream and socket kept after
// sign-out, a new user per cookie-less start, 30 queued labs from one address ahead of a class).
// This file runs a server of its own: its per-address limits must not touch other test files.
import { randomBytes } from "node:crypto";
import path from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { LIVE_EVENT, liveFrameSchema, type LiveFrame } from "@/app/_lib/grader/live-frames";
import { LABEL } from "@/sandbox/providers/types";
import { decodeServer, Op } from "@/sandbox/terminal/protocol";
import { removeInstallationLabs, requireDockerAndImage, runningLabsOf } from "../support/docker";
import { EXERCISE_FIXTURE, makeContentDir } from "../support/fixture-content";
import { buildActions, callAction, cookieFrom, pagePathOf } from "../support/server-action";
import { type RunningServer, startServer } from "../support/server";
import { until } from "../support/until";

const LESSON = "98-exercise-fixture";
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const installation = `abu${randomBytes(4).toString("hex")}`;
const READY_MS = 150_000;
/** Labs one address may have queued or starting (KUBELAB_MAX_WAITING_LABS_PER_ADDRESS). */
const WAITING_CAP = 5;

let docker: Docker;
let server: RunningServer;
let cookie: string;
const actions = buildActions(root);

function call(file: string, name: string, args: unknown[], withCookie?: string, headers?: Record<string, string>) {
  const action = actions.find((a) => a.filename === file && a.exportedName === name);
  if (!action) throw new Error(`${file}#${name} is not in the build`);
  return callAction(server.baseURL, { id: action.id, path: pagePathOf(action, LESSON) }, args, { cookie: withCookie, headers });
}

/** A live-check stream read as a browser's EventSource would: its frames, and whether it ended. */
function openLive(withCookie: string) {
  const frames: LiveFrame[] = [];
  const controller = new AbortController();
  const stream = { frames, ended: false, close: () => controller.abort() };
  void (async () => {
    try {
      const res = await fetch(`${server.baseURL}/api/lessons/${LESSON}/live`, { headers: { cookie: withCookie }, signal: controller.signal });
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split("\n").find((l) => l.startsWith("data: "));
          if (block.includes(`event: ${LIVE_EVENT}`) && data) frames.push(liveFrameSchema.parse(JSON.parse(data.slice(6))));
        }
      }
    } catch {
      // aborted by the test
    }
    stream.ended = true;
  })();
  return stream;
}

async function labContainer(): Promise<Docker.Container> {
  const found = await runningLabsOf(installation);
  if (found.length !== 1) throw new Error(`expected one lab, found ${found.length}`);
  return docker.getContainer(found[0]!.Id);
}

/** Live watchers running in the lab now: each is a shell named by its own marker (sandbox/grader/live.ts). */
async function watchersInLab(): Promise<number> {
  const exec = await (await labContainer()).exec({ Cmd: ["ps", "-eo", "args"], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve) => {
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", resolve);
  });
  return new Set(Buffer.concat(chunks).toString("latin1").match(/kubelab-live-[0-9a-f]{12}/g) ?? []).size;
}

beforeAll(async () => {
  docker = await requireDockerAndImage();
  const content = makeContentDir("abuse", { lessons: { [LESSON]: EXERCISE_FIXTURE } });
  server = await startServer({
    KUBELAB_CONTENT_DIR: content,
    KUBELAB_SECRET: `abuse-${randomBytes(24).toString("hex")}`,
    KUBELAB_INSTALLATION_ID: installation,
    // One lab, warm: every later start can only queue, so the start flood boots nothing.
    KUBELAB_POOL_SIZE: "1",
    KUBELAB_CAPACITY: "1",
    // The test's own requests come from 127.0.0.1, here also a reverse proxy: what it forwards
    // (X-Forwarded-For) is the client's address for the per-address limits.
    KUBELAB_TRUSTED_PROXIES: "127.0.0.1",
    KUBELAB_MAX_WAITING_LABS_PER_ADDRESS: String(WAITING_CAP),
  });
  const started = await call("app/_lib/lab/actions.ts", "startLabAction", [{ locale: "en" }]);
  cookie = cookieFrom(started.setCookies, "kubelab_session")!;
  expect(cookie, started.raw.slice(0, 300)).toBeDefined();
  await until("the lab to be ready", async () => ((await call("app/_lib/lab/actions.ts", "labStatusAction", [], cookie)).value as { data: { view: { state: string } } }).data.view.state, (s) => s === "ready", READY_MS);
}, READY_MS + 60_000);

afterAll(async () => {
  await server?.stop();
  await removeInstallationLabs(installation);
});

describe("one learner against the server's limits", { timeout: 120_000 }, () => {
  const tabs: ReturnType<typeof openLive>[] = [];

  it("shares one live watcher in the lab among six tabs of the same lesson, and refuses the thirteenth stream", async () => {
    for (let i = 0; i < 6; i++) tabs.push(openLive(cookie));
    // Every tab is told what the lab is and how each exercise stands, the late ones included.
    await until("every tab to see the lab watched", () => tabs.map((t) => t.frames.some((f) => f.type === "watching")), (seen) => seen.every(Boolean), 90_000);
    await until("every tab to get results", () => tabs.map((t) => t.frames.some((f) => f.type === "results")), (seen) => seen.every(Boolean), 60_000);
    await until("a watcher in the lab", watchersInLab, (n) => n >= 1, 30_000);
    // Never more than one: six tabs sharing nothing would be six. Zero for a moment is allowed:
    // on a loaded host the watch can miss its liveness deadline and be started again (the
    // "live watch in the lab ended (no answer)" warning), which is recovery, not sharing.
    for (let i = 0; i < 5; i++) {
      expect(await watchersInLab()).toBeLessThanOrEqual(1);
      await new Promise((r) => setTimeout(r, 300));
    }
    const more = Array.from({ length: 7 }, () => openLive(cookie));
    await until("the extra streams to answer", () => more.filter((t) => t.frames.length > 0 || t.ended).length, (n) => n === 7, 30_000);
    const refused = more.filter((t) => t.frames.some((f) => f.type === "refused"));
    expect(refused).toHaveLength(1);
    expect(refused[0]!.frames).toEqual([{ type: "refused", reason: "too-many-streams" }]);
    await until("the refused stream to end", () => refused[0]!.ended, Boolean, 10_000);
    for (const t of more) t.close();
  });

  it("limits a flood of Check presses", async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, () => call("app/_lib/grader/actions.ts", "checkExerciseAction", [{ lessonId: LESSON, exerciseId: "scale-web" }], cookie)),
    );
    // A graded Check answers with its data; a refused one with the "rateLimited" key.
    type Answer = { ok: true; data: { kind: string } } | { ok: false; error: string; retryAfterSeconds?: number };
    const kinds = answers.map((a) => {
      const v = a.value as Answer;
      return v.ok ? v.data.kind : v.error;
    });
    expect(kinds.filter((k) => k === "graded").length).toBeGreaterThan(0);
    expect(kinds.filter((k) => k === "graded").length).toBeLessThanOrEqual(20);
    expect(kinds.filter((k) => k === "rateLimited").length).toBeGreaterThanOrEqual(20);
    const refusal = answers.find((a) => (a.value as Answer).ok === false)!.value as { retryAfterSeconds: number };
    expect(refusal.retryAfterSeconds).toBeGreaterThan(0);
  });

  it("cuts off the open terminal and live stream within a minute of a real sign-out", async () => {
      const ticket = (await call("app/_lib/lab/actions.ts", "terminalTicketAction", [], cookie)).value as { ok: boolean; data: { token: string } };
      expect(ticket.ok).toBe(true);
      const ws = new WebSocket(`${server.baseURL.replace("http", "ws")}/terminal?token=${encodeURIComponent(ticket.data.token)}`, { headers: { cookie } });
      const statuses: string[] = [];
      ws.on("message", (raw: Buffer) => {
        const f = decodeServer(new Uint8Array(raw));
        if (f.op === Op.Status) statuses.push(f.status.state);
      });
      const closed = new Promise<number>((resolve) => ws.on("close", (code) => resolve(code)));
      ws.on("error", () => {});
      await until("the terminal to attach", () => statuses, (s) => s.includes("attached"), 30_000);
      const stream = tabs[0]!;

      const form = new FormData();
      form.append("locale", "en");
      await call("app/_lib/auth/actions.ts", "signOutAction", [form], cookie);

      // KUBELAB_SESSION_RECHECK_SECONDS is 30 by default: both are cut within a minute.
      expect(await Promise.race([closed, new Promise((r) => setTimeout(() => r("still open"), 65_000))])).toBe(4401);
      expect(statuses).toContain("signed-out");
      await until("the live stream to end", () => stream.ended, Boolean, 15_000);
      expect(stream.frames.at(-1)).toEqual({ type: "refused", reason: "signed-out" });
      for (const t of tabs) t.close();
  });

  it("lets no address fill the lab queue with anonymous identities: a class member from elsewhere stays near the front", async () => {
    // The host is full (capacity 1, the learner's lab), so every new lab queues. A script behind
    // the proxy clears its cookie before each start, as 30 "learners" in one go.
    const attacker = { "x-forwarded-for": "203.0.113.7" };
    const queued: { cookie: string; position: number }[] = [];
    let refusals = 0;
    for (let batch = 0; batch < 3; batch++) {
      const answers = await Promise.all(Array.from({ length: 10 }, () => call("app/_lib/lab/actions.ts", "startLabAction", [{ locale: "en" }], undefined, attacker)));
      for (const a of answers) {
        const view = (a.value as { data: { state: string; position?: number; waitingPerAddressLimit?: number } }).data;
        if (view.state === "queued") queued.push({ cookie: cookieFrom(a.setCookies, "kubelab_session")!, position: view.position! });
        else if (view.waitingPerAddressLimit === WAITING_CAP) refusals++;
      }
    }
    expect(queued.length).toBe(WAITING_CAP);
    expect(refusals).toBe(30 - WAITING_CAP);
    // Once the address is full, a further cookie-less start is refused before any identity is made.
    const more = await call("app/_lib/lab/actions.ts", "startLabAction", [{ locale: "en" }], undefined, attacker);
    expect(more.value).toEqual({ ok: true, data: { state: "none", waitingPerAddressLimit: WAITING_CAP } });
    expect(cookieFrom(more.setCookies, "kubelab_session")).toBeUndefined();
    // One learner holds one place: pressing Start again keeps it and takes no other.
    const again = await call("app/_lib/lab/actions.ts", "startLabAction", [{ locale: "en" }], queued[0]!.cookie, attacker);
    expect(again.value).toMatchObject({ ok: true, data: { state: "queued", position: queued[0]!.position } });

    // A class member behind the same proxy, from another address, is next in line after them.
    const member = await call("app/_lib/lab/actions.ts", "startLabAction", [{ locale: "en" }], undefined, { "x-forwarded-for": "198.51.100.20" });
    expect(member.value).toMatchObject({ ok: true, data: { state: "queued", position: WAITING_CAP + 1 } });
    // Leaving the queue frees the address's place for its next learner.
    await call("app/_lib/lab/actions.ts", "stopLabAction", [], queued[0]!.cookie, attacker);
    const next = await call("app/_lib/lab/actions.ts", "startLabAction", [{ locale: "en" }], undefined, attacker);
    expect(next.value).toMatchObject({ ok: true, data: { state: "queued" } });
    for (const c of [...queued.slice(1).map((q) => q.cookie), cookieFrom(next.setCookies, "kubelab_session")!, cookieFrom(member.setCookies, "kubelab_session")!]) {
      await call("app/_lib/lab/actions.ts", "stopLabAction", [], c);
    }
  });

  it("counts cookie-less lab starts against the address before making an identity for them", async () => {
    let identities = 0;
    let refused = 0;
    for (let batch = 0; batch < 15; batch++) {
      const answers = await Promise.all(Array.from({ length: 10 }, () => call("app/_lib/lab/actions.ts", "startLabAction", [{ locale: "en" }])));
      for (const a of answers) {
        if (cookieFrom(a.setCookies, "kubelab_session")) identities++;
        else if ((a.value as { data?: { retryAfterSeconds?: number } }).data?.retryAfterSeconds) refused++;
      }
    }
    // 120 starts per address in ten minutes, one of them the learner's above.
    expect(identities).toBeLessThanOrEqual(119);
    expect(refused).toBeGreaterThanOrEqual(150 - 119);
  });
});
