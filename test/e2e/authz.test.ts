// Authorization, from the outside, against the production server. Every server action in the
// build's manifest and every route under app/api is called as nobody, as a signed-in learner
// and (for cohort data) as an instructor of another cohort, and each must refuse or answer with
// the caller's own data only: no answer may carry the victim learner's email, name or their
// cohort's invite code. The tables below say, per action and per route, what refusing means;
// an action or route missing from them fails the test, so new ones cannot slip through.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { type ActionAnswer, buildActions, callAction, cookieFrom, type ManifestAction, pagePathOf } from "../support/server-action";
import { EXERCISE_LESSON } from "./global-setup";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const baseURL = inject("baseURL");
const SESSION = "kubelab_session";
const FOREIGN = "https://evil.example";
const stamp = randomBytes(3).toString("hex");

type Caller = "nobody" | "learner" | "otherInstructor";

interface Fixture {
  cookies: Record<"admin" | "instructorA" | "instructorB" | "victim" | "learner", string>;
  cohortId: string;
  inviteCode: string;
  victimId: string;
  victim: { email: string; name: string };
  learnerEmail: string;
}

const form = (fields: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  return f;
};

// ---- what "refused" means, per action ----------------------------------------------------------

interface ActionRule {
  /** Why these callers and this expectation are the right ones. */
  why: string;
  callers: Caller[];
  args(f: Fixture, caller: Caller): unknown[];
  expectRefused(answer: ActionAnswer, caller: Caller, f: Fixture): void;
}

const value = (a: ActionAnswer) => {
  expect(a.threw, a.raw.slice(0, 300)).toBe(false);
  expect(a.status).toBe(200);
  return a.value as Record<string, unknown>;
};
const signInOrForbidden = (a: ActionAnswer, caller: Caller) => {
  const v = value(a);
  expect(v.ok).toBe(false);
  if (caller === "nobody") expect(v.error).toBe("signIn");
  else expect(["forbidden", "notFound"]).toContain(v.error);
};
const adminRefusal = (a: ActionAnswer, caller: Caller) => expect(value(a)).toMatchObject({ ok: false, error: caller === "nobody" ? "signIn" : "forbidden" });
const ALL: Caller[] = ["nobody", "learner", "otherInstructor"];
const cohortLearner = (f: Fixture) => [{ cohortId: f.cohortId, learnerId: f.victimId }];

const ACTIONS: Record<string, ActionRule> = {
  "app/_lib/lab/actions.ts#startLabAction": {
    why: "Open to every visitor (a lab belongs to whoever asks); bad input is refused before anything starts.",
    callers: ["nobody", "learner"],
    args: () => [{ locale: "not-a-locale" }],
    expectRefused: (a) => expect(value(a)).toEqual({ ok: false, error: "invalidInput", fields: { locale: "invalid" } }),
  },
  "app/_lib/lab/actions.ts#stopLabAction": {
    why: "Acts on the caller's own lab only; with none there is nothing to stop.",
    callers: ["nobody", "learner"],
    args: () => [],
    expectRefused: (a) => expect(value(a)).toEqual({ ok: true, data: { state: "none" } }),
  },
  "app/_lib/lab/actions.ts#resetLabAction": {
    why: "Acts on the caller's own lab only.",
    callers: ["nobody", "learner"],
    args: () => [],
    expectRefused: (a) => expect(value(a)).toEqual({ ok: true, data: { state: "none" } }),
  },
  "app/_lib/lab/actions.ts#resetForLessonAction": {
    why: "Acts on the caller's own lab only (a reset, then the lesson's setups); with none there is nothing to reset.",
    callers: ["nobody", "learner"],
    args: () => [{ lessonId: EXERCISE_LESSON }],
    expectRefused: (a) => expect(value(a)).toEqual({ ok: true, data: { state: "none" } }),
  },
  "app/_lib/lab/actions.ts#switchLabAction": {
    why: "Acts on the caller's own lab only (theirs stops, one of the lesson's profile starts), open as Start is; bad input is refused before anything stops.",
    callers: ["nobody", "learner"],
    args: () => [{ locale: "not-a-locale", lessonId: EXERCISE_LESSON }],
    expectRefused: (a) => expect(value(a)).toEqual({ ok: false, error: "invalidInput", fields: { locale: "invalid" } }),
  },
  "app/_lib/lab/actions.ts#lessonLabAction": {
    why: "Says what a lesson's public front matter says (its lab profile) and whether this server offers it: nobody's data.",
    callers: ["nobody", "learner"],
    args: () => [{ lessonId: EXERCISE_LESSON }],
    expectRefused: (a) => expect(value(a)).toMatchObject({ ok: true, data: { profile: "sim", offered: true } }),
  },
  "app/_lib/lab/actions.ts#labStatusAction": {
    why: "Reports the caller's own lab only.",
    callers: ["nobody", "learner"],
    args: () => [],
    expectRefused: (a) => expect(value(a)).toMatchObject({ ok: true, data: { view: { state: "none" } } }),
  },
  "app/_lib/lab/actions.ts#terminalTicketAction": {
    why: "A terminal ticket is only for the caller's own ready lab.",
    callers: ["nobody", "learner"],
    args: () => [],
    expectRefused: (a, caller) => expect(value(a)).toEqual({ ok: false, error: caller === "nobody" ? "signIn" : "noLab" }),
  },
  "app/_lib/auth/actions.ts#signInAction": {
    why: "Anyone may try; a wrong password gets no session.",
    callers: ["nobody"],
    args: (f) => [{}, form({ email: f.victim.email, password: "not the password", locale: "en", next: "/en" })],
    expectRefused: (a) => {
      expect(value(a)).toMatchObject({ ok: false, error: "invalidCredentials" });
      expect(cookieFrom(a.setCookies, SESSION)).toBeUndefined();
    },
  },
  "app/_lib/auth/actions.ts#signUpAction": {
    why: "Anyone may sign up; invalid input creates nothing and starts no session.",
    callers: ["nobody"],
    args: () => [{}, form({ email: "not an email", password: "short", locale: "en", next: "/en" })],
    expectRefused: (a) => {
      expect(value(a)).toMatchObject({ ok: false, error: "invalidInput", fields: { email: "email", password: "passwordTooShort" }, values: { email: "not an email" } });
      expect(cookieFrom(a.setCookies, SESSION)).toBeUndefined();
    },
  },
  "app/_lib/auth/actions.ts#signOutAction": {
    why: "Ends only the caller's own session; without one it just goes home.",
    callers: ["nobody"],
    args: () => [form({ locale: "en" })],
    expectRefused: (a) => expect(a.redirect).toBe("/en"),
  },
  "app/_lib/auth/actions.ts#accountStatusAction": {
    why: "Says who the caller is, and no one else.",
    callers: ["nobody", "learner"],
    args: () => [],
    expectRefused: (a, caller, f) => expect(value(a)).toMatchObject({ ok: true, data: caller === "nobody" ? { signedIn: false, email: null } : { signedIn: true, email: f.learnerEmail } }),
  },
  "app/_lib/admin/actions.ts#stopLabAdminAction": {
    why: "Admins only.",
    callers: ALL,
    args: () => [{}, form({ sandboxId: "cm0000000000000000000000" })],
    expectRefused: adminRefusal,
  },
  "app/_lib/admin/actions.ts#setRoleAdminAction": {
    why: "Admins only: nobody else may hand out roles (the victim stays a learner, checked below).",
    callers: ALL,
    args: (f) => [{}, form({ userId: f.victimId, role: "admin" })],
    expectRefused: adminRefusal,
  },
  "app/_lib/admin/actions.ts#createInstructorAdminAction": {
    why: "Admins only.",
    callers: ALL,
    args: () => [{}, form({ email: `sneaky-${stamp}@e2e.example`, password: "a long password", displayName: "", locale: "en" })],
    expectRefused: adminRefusal,
  },
  "app/_lib/cohort/actions.ts#createCohortAction": {
    why: "Instructors and admins only.",
    callers: ["nobody", "learner"],
    args: () => [{ name: "x", lessonIds: null, startsAt: "2026-11-01T00:00:00Z", endsAt: "2026-12-01T00:00:00Z" }],
    expectRefused: signInOrForbidden,
  },
  "app/_lib/cohort/actions.ts#regenerateInviteAction": {
    why: "Only the cohort's own instructor (or an admin).",
    callers: ALL,
    args: (f) => [{ cohortId: f.cohortId }],
    expectRefused: signInOrForbidden,
  },
  "app/_lib/cohort/actions.ts#removeLearnerAction": { why: "Only the cohort's own instructor.", callers: ALL, args: cohortLearner, expectRefused: signInOrForbidden },
  "app/_lib/cohort/actions.ts#readmitLearnerAction": { why: "Only the cohort's own instructor.", callers: ALL, args: cohortLearner, expectRefused: signInOrForbidden },
  "app/_lib/cohort/actions.ts#learnerDetailAction": { why: "Only the cohort's own instructor sees a learner's attempts.", callers: ALL, args: cohortLearner, expectRefused: signInOrForbidden },
  "app/_lib/cohort/actions.ts#resetLearnerLabAction": { why: "Only the cohort's own instructor resets a learner's lab.", callers: ALL, args: cohortLearner, expectRefused: signInOrForbidden },
  "app/_lib/cohort/actions.ts#classScheduleAction": { why: "Only the cohort's own instructor sees its class schedule and labs.", callers: ALL, args: (f) => [{ cohortId: f.cohortId }], expectRefused: signInOrForbidden },
  "app/_lib/cohort/actions.ts#scheduleClassAction": {
    why: "Only the cohort's own instructor schedules its classes (each warms labs on this host).",
    callers: ALL,
    args: (f) => [{ cohortId: f.cohortId, startsAt: new Date(Date.now() + 3 * 86_400_000).toISOString() }],
    expectRefused: signInOrForbidden,
  },
  "app/_lib/cohort/actions.ts#startClassNowAction": { why: "Only the cohort's own instructor starts a class (it warms labs at once).", callers: ALL, args: (f) => [{ cohortId: f.cohortId }], expectRefused: signInOrForbidden },
  "app/_lib/cohort/actions.ts#cancelClassAction": {
    why: "Only the cohort's own instructor takes a class off the schedule.",
    callers: ALL,
    args: (f) => [{ cohortId: f.cohortId, sessionId: "c".repeat(25) }],
    expectRefused: signInOrForbidden,
  },
  "app/_lib/cohort/actions.ts#joinCohortAction": {
    why: "Joining needs an account (a learner with the code may join: that is what invites are for).",
    callers: ["nobody"],
    args: (f) => [{ code: f.inviteCode }],
    expectRefused: (a) => expect(value(a)).toEqual({ ok: false, error: "signIn" }),
  },
  "app/_lib/grader/actions.ts#checkExerciseAction": {
    why: "Grades the caller's own lab only; without one there is nothing to grade.",
    callers: ["nobody", "learner"],
    args: () => [{ lessonId: EXERCISE_LESSON, exerciseId: "scale-web" }],
    expectRefused: (a) => expect(value(a)).toMatchObject({ ok: true, data: { kind: "no-lab" } }),
  },
  "app/_lib/grader/actions.ts#lessonProgressAction": {
    why: "The caller's own progress only.",
    callers: ["nobody", "learner"],
    args: () => [{ lessonId: EXERCISE_LESSON }],
    expectRefused: (a) => expect(value(a)).toEqual({ ok: true, data: [] }),
  },
  "app/_lib/lessons/catalog-actions.ts#catalogProgressAction": {
    why: "The caller's own progress only.",
    callers: ["nobody", "learner"],
    args: () => [],
    expectRefused: (a) => expect(value(a)).toEqual({ ok: true, data: { lessons: [], last: null } }),
  },
};

// ---- what "refused" means, per route ----------------------------------------------------------

interface RouteRule {
  why: string;
  url(f: Fixture): string;
  /** Expected status per caller; a 200 must still carry nothing of the victim's. */
  status: Partial<Record<Caller, number[]>>;
}

const ROUTES: Record<string, RouteRule | RouteRule[]> = {
  "/api/health": { why: "Public by design: counts, never owners.", url: () => "/api/health", status: { nobody: [200, 503], learner: [200, 503] } },
  "/api/lab/events": { why: "The caller's own lab only.", url: () => "/api/lab/events", status: { nobody: [401], learner: [200] } },
  "/api/lessons/[lessonId]/live": { why: "Live checks of the caller's own lab only.", url: () => `/api/lessons/${EXERCISE_LESSON}/live`, status: { nobody: [401], learner: [200] } },
  "/api/cohorts/[cohortId]/events": { why: "The cohort's instructor (or an admin) only.", url: (f) => `/api/cohorts/${f.cohortId}/events`, status: { nobody: [401], learner: [403], otherInstructor: [403, 404] } },
  "/api/cohorts/[cohortId]/csv": { why: "The cohort's instructor (or an admin) only.", url: (f) => `/api/cohorts/${f.cohortId}/csv`, status: { nobody: [401], learner: [403], otherInstructor: [403, 404] } },
  "/api/lab/picture": [
    { why: "The caller's own lab's picture.", url: () => "/api/lab/picture", status: { nobody: [401], learner: [200] } },
    {
      why: "A learner's picture: the instructor of a cohort they are in (or an admin) only; a learner asking for a classmate's is refused.",
      url: (f) => `/api/lab/picture?cohort=${f.cohortId}&learner=${f.victimId}`,
      status: { nobody: [401], learner: [403], otherInstructor: [403, 404] },
    },
  ],
};
/** A route's rules: one per way of asking it (a query that names someone else is its own rule). */
const rulesOf = (route: string): RouteRule[] => [ROUTES[route]!].flat();

// ---- helpers ----------------------------------------------------------------------------------

const actions = buildActions(root);
const byName = (file: string, name: string): ManifestAction => {
  const found = actions.find((a) => a.filename === file && a.exportedName === name);
  if (!found) throw new Error(`${file}#${name} is not in the build's server-reference-manifest.json`);
  return found;
};
const pathOf = (action: ManifestAction) => pagePathOf(action, EXERCISE_LESSON);
async function call(file: string, name: string, args: unknown[], cookie?: string, origin?: string): Promise<ActionAnswer> {
  const action = byName(file, name);
  return callAction(baseURL, { id: action.id, path: pathOf(action) }, args, { cookie, origin });
}
function session(answer: ActionAnswer, what: string): string {
  const cookie = cookieFrom(answer.setCookies, SESSION);
  if (!cookie) throw new Error(`${what}: no session cookie in the answer (status ${answer.status}): ${answer.raw.slice(0, 300)}`);
  return cookie;
}
const signIn = async (email: string, password: string) =>
  session(await call("app/_lib/auth/actions.ts", "signInAction", [{}, form({ email, password, locale: "en", next: "/en" })]), `sign-in of ${email}`);
const signUp = async (email: string, password: string, displayName: string) =>
  session(await call("app/_lib/auth/actions.ts", "signUpAction", [{}, form({ email, password, displayName, locale: "en", next: "/en" })]), `sign-up of ${email}`);

/** Reads a GET answer; a stream is read for its first chunk only, then closed. */
async function get(url: string, cookie?: string): Promise<{ status: number; text: string }> {
  const abort = new AbortController();
  const res = await fetch(new URL(url, baseURL), { headers: cookie ? { cookie } : {}, signal: abort.signal });
  let text = "";
  if ((res.headers.get("content-type") ?? "").includes("text/event-stream")) {
    const reader = res.body!.getReader();
    const first = await Promise.race([reader.read(), new Promise<{ value?: undefined }>((r) => setTimeout(() => r({}), 10_000))]);
    text = first.value ? new TextDecoder().decode(first.value) : "";
    abort.abort();
  } else {
    text = await res.text();
  }
  return { status: res.status, text };
}

let f: Fixture;
const cookieOf = (caller: Caller): string | undefined => (caller === "nobody" ? undefined : caller === "learner" ? f.cookies.learner : f.cookies.instructorB);

/** What the caller itself sent may come back (a form keeps the typed email); anything else of the victim's may not. */
function expectNothingOfTheVictim(text: string, where: string, sent: unknown[] = []) {
  const typed = JSON.stringify(sent, (_, v: unknown) => (v instanceof FormData ? Object.fromEntries(v.entries()) : v));
  for (const secret of [f.victim.email, f.victim.name, f.inviteCode]) {
    if (typed.includes(secret)) continue;
    expect(text.includes(secret), `${where} carries ${secret}`).toBe(false);
  }
}

beforeAll(async () => {
  const admin = await signIn(inject("adminEmail"), inject("adminPassword"));
  const made: Record<string, string> = {};
  for (const who of ["a", "b"]) {
    const email = `instructor-${who}-${stamp}@e2e.example`;
    const created = await call("app/_lib/admin/actions.ts", "createInstructorAdminAction", [{}, form({ email, password: `instructor-${stamp}`, displayName: "", locale: "en" })], admin);
    expect(created.value, created.raw.slice(0, 300)).toMatchObject({ ok: true });
    made[who] = await signIn(email, `instructor-${stamp}`);
  }
  const victim = { email: `victim-${stamp}@e2e.example`, name: `Victim ${stamp}` };
  const victimCookie = await signUp(victim.email, `victim-${stamp}-password`, victim.name);
  const learnerEmail = `learner-${stamp}@e2e.example`;
  const learner = await signUp(learnerEmail, `learner-${stamp}-password`, `Learner ${stamp}`);

  const cohort = await call("app/_lib/cohort/actions.ts", "createCohortAction", [{ name: `Cohort ${stamp}`, lessonIds: null, startsAt: "2026-11-01T00:00:00Z", endsAt: "2027-01-01T00:00:00Z" }], made.a);
  const cohortId = (cohort.value as { data: { id: string } }).data.id;
  const invite = await call("app/_lib/cohort/actions.ts", "regenerateInviteAction", [{ cohortId }], made.a);
  const inviteCode = (invite.value as { data: { inviteCode: string } }).data.inviteCode;
  const joined = await call("app/_lib/cohort/actions.ts", "joinCohortAction", [{ code: inviteCode }], victimCookie);
  expect(joined.value, joined.raw.slice(0, 300)).toMatchObject({ ok: true });

  // The victim's id, as the admin page shows it to an admin.
  const adminPage = (await get("/en/admin", admin)).text;
  const row = new RegExp(`data-user-email="${victim.email.replace(/[.]/g, "\\.")}"[\\s\\S]*?name="userId" value="([a-z0-9]+)"`).exec(adminPage);
  if (!row) throw new Error("the admin page does not list the victim with a role form");
  f = { cookies: { admin, instructorA: made.a!, instructorB: made.b!, victim: victimCookie, learner }, cohortId, inviteCode, victimId: row[1]!, victim, learnerEmail };
}, 240_000);

describe("authorization of every server action", { timeout: 240_000 }, () => {
  it("has a rule for every action in the build, and no rule for an action that is gone", () => {
    const names = actions.map((a) => `${a.filename}#${a.exportedName}`);
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((n) => !(n in ACTIONS)), "actions without a rule in ACTIONS (add one: who may call it, and what refusing means)").toEqual([]);
    expect(Object.keys(ACTIONS).filter((n) => !names.includes(n)), "rules for actions the build no longer has").toEqual([]);
  });

  it("the fixture is real: the cohort's instructor does see the victim (so the refusals below mean something)", async () => {
    const detail = await call("app/_lib/cohort/actions.ts", "learnerDetailAction", [{ cohortId: f.cohortId, learnerId: f.victimId }], f.cookies.instructorA);
    expect(detail.value).toMatchObject({ ok: true });
    expect(detail.raw).toContain(f.victim.name);
    const csv = await get(`/api/cohorts/${f.cohortId}/csv`, f.cookies.instructorA);
    expect(csv.status).toBe(200);
    expect(csv.text).toContain(f.victim.email);
  });

  it("refuses, or answers with the caller's own data only, for every action and caller", async () => {
    for (const action of actions) {
      const key = `${action.filename}#${action.exportedName}`;
      const rule = ACTIONS[key]!;
      for (const caller of rule.callers) {
        const args = rule.args(f, caller);
        const answer = await callAction(baseURL, { id: action.id, path: pathOf(action) }, args, { cookie: cookieOf(caller) });
        const where = `${key} as ${caller}`;
        try {
          rule.expectRefused(answer, caller, f);
        } catch (error) {
          throw new Error(`${where}: ${(error as Error).message}\nanswer (${answer.status}): ${answer.raw.slice(0, 400)}`);
        }
        expectNothingOfTheVictim(answer.raw, where, args);
      }
    }
    // What the refused actions would have changed is unchanged.
    const status = await call("app/_lib/auth/actions.ts", "accountStatusAction", [], f.cookies.victim);
    expect(status.value).toMatchObject({ ok: true, data: { signedIn: true, role: "learner" } });
    const detail = await call("app/_lib/cohort/actions.ts", "learnerDetailAction", [{ cohortId: f.cohortId, learnerId: f.victimId }], f.cookies.instructorA);
    expect(detail.value).toMatchObject({ ok: true });
  });

  it("refuses an action posted from a foreign origin, even with a valid session", async () => {
    const status = await call("app/_lib/auth/actions.ts", "accountStatusAction", [], f.cookies.victim, FOREIGN);
    expect(status.status).toBe(500);
    expect(status.value).toBeUndefined();
    expectNothingOfTheVictim(status.raw, "accountStatusAction from a foreign origin");
    const email = `csrf-${stamp}@e2e.example`;
    const signUp = await call("app/_lib/auth/actions.ts", "signUpAction", [{}, form({ email, password: "a long password", locale: "en", next: "/en" })], undefined, FOREIGN);
    expect(signUp.status).toBe(500);
    expect(cookieFrom(signUp.setCookies, SESSION)).toBeUndefined();
    // The account was not made: signing up now works.
    await signUpAgain(email);
  });
});

async function signUpAgain(email: string) {
  const answer = await call("app/_lib/auth/actions.ts", "signUpAction", [{}, form({ email, password: "a long password", locale: "en", next: "/en" })]);
  expect(answer.redirect).toBe("/en");
}

describe("authorization of every route under app/api", { timeout: 120_000 }, () => {
  const routes = Object.values(JSON.parse(readFileSync(path.join(root, ".next/app-path-routes-manifest.json"), "utf8")) as Record<string, string>).filter((r) => r.startsWith("/api/"));

  it("has a rule for every route in the build", () => {
    expect(routes.length).toBeGreaterThan(0);
    expect(routes.filter((r) => !(r in ROUTES)), "routes without a rule in ROUTES").toEqual([]);
    expect(Object.keys(ROUTES).filter((r) => !routes.includes(r)), "rules for routes the build no longer has").toEqual([]);
  });

  it("refuses or answers with the caller's own data only", async () => {
    for (const route of routes) {
      for (const rule of rulesOf(route)) {
        for (const [caller, statuses] of Object.entries(rule.status) as [Caller, number[]][]) {
          const answer = await get(rule.url(f), cookieOf(caller));
          expect(statuses, `${rule.url(f)} as ${caller}: status ${answer.status}: ${answer.text.slice(0, 200)}`).toContain(answer.status);
          expectNothingOfTheVictim(answer.text, `${route} as ${caller}`);
        }
      }
    }
  });

  it("refuses a POST from a foreign origin on every route", async () => {
    for (const route of routes) {
      const res = await fetch(new URL(rulesOf(route)[0]!.url(f), baseURL), { method: "POST", headers: { origin: FOREIGN, cookie: f.cookies.instructorA }, body: "{}" });
      expect(res.status >= 400 && res.status < 500, `${route}: POST from ${FOREIGN} answered ${res.status}`).toBe(true);
      await res.body?.cancel();
    }
  });
});
