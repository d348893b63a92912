// Open event streams lose their listener's standing for real (issue 12 item 8), against the
// production server: an instructor's dashboard is open in Chromium, live, when the admin demotes
// them on the admin page; within a minute the dashboard's stream is cut off and its reconnects
// are refused. A learner's lab-view stream is cut off the same way when they sign out
// elsewhere. On the code of the date both streams stayed open for as long as the tab
// did, relaying a cohort's progress to someone no longer allowed to see it.
import { randomBytes } from "node:crypto";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser } from "../support/browser";
import { type ActionAnswer, buildActions, callAction, cookieFrom, pagePathOf } from "../support/server-action";
import { EXERCISE_LESSON } from "./global-setup";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const baseURL = inject("baseURL");
/** The server re-checks every 20 s; a minute is the promise, with room for a loaded host. */
const CUT_OFF_MS = 60_000;
const ANSWER_MS = 45_000;
const stamp = randomBytes(3).toString("hex");

const actions = buildActions(root);
async function call(file: string, name: string, args: unknown[], cookie?: string): Promise<ActionAnswer> {
  const action = actions.find((a) => a.filename === file && a.exportedName === name)!;
  return callAction(baseURL, { id: action.id, path: pagePathOf(action, EXERCISE_LESSON) }, args, { cookie });
}
const form = (fields: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  return f;
};
const session = (a: ActionAnswer) => cookieFrom(a.setCookies, "kubelab_session")!;

/** Reads an event stream until it ends (or `ms` pass); returns everything it said. */
async function readUntilEnd(response: Response, ms: number): Promise<{ ended: boolean; text: string }> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const timer = setTimeout(() => void reader.cancel(), ms);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return { ended: text.includes("event: revoked"), text };
      text += decoder.decode(value);
    }
  } finally {
    clearTimeout(timer);
  }
}

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe("open event streams", { timeout: 180_000 }, () => {
  it("cut off an instructor's open dashboard when the admin demotes them", async () => {
    const admin = await browser.newPage({ baseURL, viewport: { width: 1280, height: 800 } });
    await admin.goto("/en/sign-in?next=%2Fen%2Fadmin");
    await admin.fill('input[name="email"]', inject("adminEmail"));
    await admin.fill('input[name="password"]', inject("adminPassword"));
    await admin.click('[data-testid="auth-submit"]');
    await admin.waitForURL(/\/en\/admin$/, { timeout: ANSWER_MS });
    const instructor = { email: `demoted-${stamp}@e2e.example`, password: `demoted-${stamp}-pass` };
    const createForm = admin.locator('[data-testid="admin-create-instructor"]');
    await createForm.locator('input[name="email"]').fill(instructor.email);
    await createForm.locator('input[name="password"]').fill(instructor.password);
    await createForm.locator('button[type="submit"]').click();
    await expect.poll(() => createForm.locator('[data-testid="admin-result"]').getAttribute("role"), { timeout: ANSWER_MS }).toBe("status");

    const teacherCookie = session(await call("app/_lib/auth/actions.ts", "signInAction", [{}, form({ ...instructor, locale: "en", next: "/en" })]));
    const made = await call("app/_lib/cohort/actions.ts", "createCohortAction", [{ name: `Revoked ${stamp}`, lessonIds: null, startsAt: "2026-11-01T00:00:00Z", endsAt: "2027-06-01T00:00:00Z" }], teacherCookie);
    const cohortId = (made.value as { data: { id: string } }).data.id;

    const teacher = await browser.newPage({ baseURL, viewport: { width: 1280, height: 800 } });
    await teacher.context().addCookies([{ name: "kubelab_session", value: teacherCookie.split("=")[1]!, url: baseURL }]);
    await teacher.goto(`/en/dashboard/${cohortId}`);
    await expect.poll(() => teacher.getAttribute('[data-testid="stream-state"]', "data-state"), { timeout: ANSWER_MS }).toBe("live");

    // The demotion, on the admin page, as an admin does it.
    await admin.reload();
    const row = admin.locator(`[data-testid="admin-users"] tr[data-user-email="${instructor.email}"]`);
    await row.locator("select[name=role]").selectOption("learner");
    await row.locator('[data-testid="admin-role-save"]').click();
    await expect.poll(() => row.getAttribute("data-role"), { timeout: ANSWER_MS }).toBe("learner");

    // The open dashboard stops being live, and its reconnects are refused.
    await expect.poll(() => teacher.getAttribute('[data-testid="stream-state"]', "data-state"), { timeout: CUT_OFF_MS, interval: 500 }).toBe("lost");
    const again = await fetch(`${baseURL}/api/cohorts/${cohortId}/events`, { headers: { cookie: teacherCookie } });
    expect(again.status).toBe(401);
    await again.body?.cancel();
  });

  it("cut off a learner's lab-view stream when they sign out in another tab", async () => {
    const learner = { email: `leaving-${stamp}@e2e.example`, password: `leaving-${stamp}-pass` };
    const cookie = session(await call("app/_lib/auth/actions.ts", "signUpAction", [{}, form({ ...learner, displayName: "", locale: "en", next: "/en" })]));
    const stream = await fetch(`${baseURL}/api/lab/events`, { headers: { cookie } });
    expect(stream.status).toBe(200);
    const reading = readUntilEnd(stream, CUT_OFF_MS + 10_000);
    await call("app/_lib/auth/actions.ts", "signOutAction", [form({ locale: "en" })], cookie);
    const { ended, text } = await reading;
    expect(text).toContain("event: lab");
    expect(ended, text).toBe(true);
  });
});
