// Signing in hands an anonymous learner's running lab to their account, through the real
// manager and a real lab: the same sandbox is theirs after sign-in, under a new session
// cookie, and the anonymous cookie names nobody any more.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { buildActions, callAction, cookieFrom, pagePathOf } from "../support/server-action";
import { EXERCISE_LESSON } from "./global-setup";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const baseURL = inject("baseURL");
/** The pool may be refilling for other test files on a 2-core host: roomy, not a speed claim. */
const READY_MS = 150_000;
const stamp = randomBytes(3).toString("hex");
const account = { email: `merge-${stamp}@e2e.example`, password: `merge-${stamp}-password` };

const actions = buildActions(root);
function call(file: string, name: string, args: unknown[], cookie?: string) {
  const action = actions.find((a) => a.filename === file && a.exportedName === name);
  if (!action) throw new Error(`${file}#${name} is not in the build`);
  return callAction(baseURL, { id: action.id, path: pagePathOf(action, EXERCISE_LESSON) }, args, { cookie });
}
const form = (fields: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries({ ...fields, locale: "en", next: "/en" })) f.append(k, v);
  return f;
};
type Status = { available: boolean; view: { state: string; sandboxId?: string } };
const status = async (cookie: string) => ((await call("app/_lib/lab/actions.ts", "labStatusAction", [], cookie)).value as { data: Status }).data;

let accountCookie: string | undefined;

afterAll(async () => {
  if (accountCookie) await call("app/_lib/lab/actions.ts", "stopLabAction", [], accountCookie).catch(() => undefined);
});

describe("signing in while anonymous", { timeout: READY_MS + 60_000 }, () => {
  it("hands the running lab over to the account", async () => {
    // The account exists already (made in another browser), with no lab of its own.
    const made = await call("app/_lib/auth/actions.ts", "signUpAction", [{}, form(account)]);
    expect(made.redirect).toBe("/en");
    await call("app/_lib/auth/actions.ts", "signOutAction", [form({})], cookieFrom(made.setCookies, "kubelab_session"));

    // Anonymous: starting a lab makes a cookie identity.
    const started = await call("app/_lib/lab/actions.ts", "startLabAction", [{ locale: "en" }]);
    const anonymous = cookieFrom(started.setCookies, "kubelab_session");
    expect(anonymous, `${started.status}: ${started.raw.slice(0, 300)}`).toBeDefined();
    if (!(await status(anonymous!)).available) throw new Error("this server runs no labs (Docker engine or lab image missing): the hand-over cannot be shown");
    await expect.poll(async () => (await status(anonymous!)).view.state, { timeout: READY_MS, interval: 1000 }).toBe("ready");
    const lab = (await status(anonymous!)).view.sandboxId;

    const signedIn = await call("app/_lib/auth/actions.ts", "signInAction", [{}, form(account)], anonymous);
    expect(signedIn.redirect).toBe("/en");
    accountCookie = cookieFrom(signedIn.setCookies, "kubelab_session");
    expect(accountCookie).toBeDefined();
    expect(accountCookie).not.toBe(anonymous);

    expect((await status(accountCookie!)).view).toMatchObject({ state: "ready", sandboxId: lab });
    // The anonymous identity is gone with its session.
    expect((await status(anonymous!)).view).toEqual({ state: "none" });
    const who = await call("app/_lib/auth/actions.ts", "accountStatusAction", [], anonymous);
    expect(who.value).toMatchObject({ ok: true, data: { signedIn: false } });
  });
});
