// A full disk under the database: the test mounts a small tmpfs (as root), runs the server's
// data directory on it, and fills it for real. Health must say so (database writes are about
// to fail, though reads still answer), the server keeps serving, a write refused meanwhile
// leaves nothing half-made, and once space returns everything recorded before is there and
// writes work again. (The learner-facing message for a refused write belongs to the auth and
// progress forms: a refused sign-up answers with the form error "storageFull", which the form
// shows in the reader's language, and a Check whose record is refused answers "not-saved";
// both rest on isStorageFull, proven on a really full SQLite database in
// test/unit/db-storage-full.test.ts.)
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildActions, callAction } from "../support/server-action";
import { type RunningServer, startServer } from "../support/server";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const actions = buildActions(root);
const auth = (name: string) => {
  const a = actions.find((x) => x.filename === "app/_lib/auth/actions.ts" && x.exportedName === name);
  if (!a) throw new Error(`${name} is not in the build`);
  return { id: a.id, path: name === "signUpAction" ? "/en/sign-up" : "/en/sign-in" };
};
const form = (f: Record<string, string>) => {
  const d = new FormData();
  for (const [k, v] of Object.entries({ ...f, locale: "en", next: "/en" })) d.append(k, v);
  return d;
};
const early = { email: "early@disk.example", password: "early-password-123" };
const late = { email: "late@disk.example", password: "late-password-1234" };

let dir: string;
let server: RunningServer;
const filler = () => path.join(dir, "filler");
type Health = { database: { ok: boolean; disk?: { ok: boolean; detail?: string } } };
const health = async () => (await (await fetch(`${server.baseURL}/api/health`)).json()) as Health;

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error("this test mounts a tmpfs, so it must run as root (as `npm test` does in CI)");
  dir = mkdtempSync(path.join(tmpdir(), "kubelab-diskfull-"));
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=40m,mode=0700", "tmpfs", dir]);
  // Labs play no part here.
  server = await startServer({ DOCKER_HOST: "unix:///nonexistent.sock" }, { dataDir: dir });
});

afterAll(async () => {
  await server?.stop();
  if (dir) {
    execFileSync("umount", ["-l", dir]);
    rmSync(dir, { recursive: true, force: true });
  }
});

describe("a full disk under the database", () => {
  it("records a learner while there is space", async () => {
    const up = await callAction(server.baseURL, auth("signUpAction"), [{}, form(early)]);
    expect(up.redirect).toBe("/en");
    expect((await health()).database.disk?.ok).toBe(true);
  });

  it("says so on /api/health, keeps serving, and a refused write leaves nothing half-made", async () => {
    try {
      execFileSync("dd", ["if=/dev/zero", `of=${filler()}`, "bs=1M"], { stdio: "ignore" });
    } catch {
      // dd ends with "No space left on device": that is the point
    }
    const h = await health();
    expect(h.database.ok).toBe(false);
    expect(h.database.disk?.detail).toMatch(/full/);
    const refused = await callAction(server.baseURL, auth("signUpAction"), [{}, form(late)]);
    expect(refused.redirect).toBeNull();
    // A clear answer the form renders, not a thrown error with a digest.
    expect(refused.threw).toBe(false);
    expect(refused.value).toMatchObject({ error: "storageFull", values: { email: late.email } });
    // Still serving pages and answering.
    expect((await fetch(`${server.baseURL}/en/sign-in`)).status).toBe(200);
    expect((await fetch(`${server.baseURL}/en`)).status).toBe(200);
  });

  it("after space returns, nothing recorded before is lost and writes work again", async () => {
    rmSync(filler());
    await expect.poll(async () => (await health()).database.ok, { timeout: 10_000 }).toBe(true);
    const signIn = await callAction(server.baseURL, auth("signInAction"), [{}, form(early)]);
    expect(signIn.redirect).toBe("/en");
    // The refused sign-up made no account: the address is still free.
    const up = await callAction(server.baseURL, auth("signUpAction"), [{}, form(late)]);
    expect(up.redirect).toBe("/en");
  });
});
