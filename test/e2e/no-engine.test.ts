// Attack: reach the server's own shell when its Docker engine is away. Before issue 12 the
// default KUBELAB_PROVIDER=auto fell back to the `local` provider when Docker did not answer,
// handing every anonymous visitor bash as the server's user, with KUBELAB_SECRET and the
// database in reach. Here the server runs with a Docker host that really does not answer
// (a socket path that does not exist: every request fails as against a stopped engine, no
// mock), and a visitor tries every way to a shell. Also: `local` refuses to listen on
// anything but loopback.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../support/browser";
import { buildActions, callAction, cookieFrom, pagePathOf } from "../support/server-action";
import { freePort, type RunningServer, startServer } from "../support/server";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const LESSON = "03-minikube";
const UNREACHABLE = "unix:///nonexistent.sock";
const localLabs = path.join(root, "data/local-labs");
const localLabsBefore = existsSync(localLabs) ? readdirSync(localLabs) : [];

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  // KUBELAB_PROVIDER is left at its default, auto, as most operators run it.
  server = await startServer({
    DOCKER_HOST: UNREACHABLE,
    KUBELAB_SECRET: `noengine-${randomBytes(24).toString("hex")}`,
    KUBELAB_INSTALLATION_ID: `ne${randomBytes(4).toString("hex")}`,
    KUBELAB_POOL_SIZE: "1",
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const actions = buildActions(root);
function call(name: string, args: unknown[], cookie?: string) {
  const action = actions.find((a) => a.filename === "app/_lib/lab/actions.ts" && a.exportedName === name);
  if (!action) throw new Error(`${name} is not in the build`);
  return callAction(server.baseURL, { id: action.id, path: pagePathOf(action, LESSON) }, args, { cookie });
}

describe("a Docker engine that does not answer", () => {
  it("health says labs are unavailable, and why", async () => {
    const res = await fetch(`${server.baseURL}/api/health`);
    const body = (await res.json()) as { ok: boolean; provider: { ok: boolean; kind: string; why: string } };
    expect(res.status).toBe(503);
    expect(body.provider).toMatchObject({ ok: false, kind: "docker" });
    expect(body.provider.why).toContain(`no Docker engine answers at ${UNREACHABLE}`);
  });

  it("hands out no shell: no lab starts, no terminal ticket, no local lab", async () => {
    const started = await call("startLabAction", [{ locale: "en" }]);
    // The action refuses with the key the panel explains; it never returns a lab.
    expect(started.value).toEqual({ ok: false, error: "engineUnavailable" });
    const cookie = cookieFrom(started.setCookies, "kubelab_session");
    const status = ((await call("labStatusAction", [], cookie)).value as { data: { available: boolean; unavailable?: string; view: { state: string } } }).data;
    expect(status).toMatchObject({ available: false, unavailable: "engine", view: { state: "none" } });
    const ticket = (await call("terminalTicketAction", [], cookie)).value as { ok: boolean };
    expect(ticket.ok).toBe(false);
    // The local provider keeps its labs here; none was made for anyone.
    expect(existsSync(localLabs) ? readdirSync(localLabs) : []).toEqual(localLabsBefore);
  });

  for (const locale of ["ko", "en"] as const) {
    it(`shows learners a clear "labs are unavailable" panel (${locale}), not a terminal`, async () => {
      const page = await (await browser.newContext({ baseURL: server.baseURL, locale })).newPage();
      await page.goto(`/${locale}/lessons/${LESSON}`);
      const panel = page.locator('[data-testid="lab-state"]');
      await expect.poll(() => panel.getAttribute("data-state"), { timeout: 20_000 }).toBe("unavailable");
      const expected = locale === "ko" ? "지금은 실습 환경을 사용할 수 없습니다" : "Labs are unavailable right now";
      expect(await panel.innerText()).toContain(expected);
      expect(await page.locator('[data-testid="lab-start"]').count()).toBe(0);
      expect(await page.locator('[data-testid="terminal"]').count()).toBe(0);
      await page.context().close();
    });
  }
});

describe("the local provider", () => {
  it("refuses to listen on an address others can reach", async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(path.join(tmpdir(), "kubelab-local-host-"));
    const child: ChildProcess = spawn(path.join(root, "node_modules/.bin/tsx"), ["server.ts"], {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: "production",
        KUBELAB_PROVIDER: "local",
        HOST: "0.0.0.0",
        PORT: String(port),
        DATABASE_URL: `file:${path.join(dataDir, "kubelab.db")}`,
        KUBELAB_LESSON_CACHE_DIR: path.join(dataDir, "cache"),
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number>((resolve) => child.once("exit", (code) => resolve(code ?? -1)));
    // Either it exits, or it starts serving (what the code before issue 12 did): whichever comes first.
    const serving = (async () => {
      for (let i = 0; i < 300; i++) {
        const answered = await fetch(`http://127.0.0.1:${port}/api/health`).then(() => true, () => false);
        if (answered) return "serving" as const;
        await new Promise((r) => setTimeout(r, 200));
      }
      return "silent" as const;
    })();
    const outcome = await Promise.race([exited.then((code) => ({ code })), serving.then((s) => ({ s }))]);
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
    expect(outcome).toEqual({ code: 2 });
    expect(output).toContain("loopback only");
    expect(output).toContain("HOST is 0.0.0.0");
  });
});
