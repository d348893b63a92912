// Accounts in Debian's Chromium against the production server: a learner signs up (errors
// shown in the form, in Korean, with what was typed kept), the admin signs in and makes them
// an instructor on the admin page, and the learner's header then offers the dashboard.
import { randomBytes } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import path from "node:path";
import { launchBrowser } from "../support/browser";
import { buildActions, callAction } from "../support/server-action";

const baseURL = inject("baseURL");
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
/** Roomy for a loaded 2-core host (argon2 and a page render); not a speed claim. */
const ANSWER_MS = 45_000;
const stamp = randomBytes(3).toString("hex");
const learner = { email: `minji-${stamp}@e2e.example`, password: `minji-${stamp}-password`, name: "이민지" };

let browser: Browser;
const contexts: BrowserContext[] = [];

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1300, height: 900 } });
  contexts.push(context);
  return context.newPage();
}

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe("accounts", { timeout: 120_000 }, () => {
  let learnerPage: Page;

  it("sign-up shows a field error in Korean, keeps what was typed, then creates the account", async () => {
    learnerPage = await newPage();
    await learnerPage.goto("/ko/sign-up");
    await learnerPage.fill('input[name="displayName"]', learner.name);
    await learnerPage.fill('input[name="email"]', learner.email);
    await learnerPage.fill('input[name="password"]', "short");
    await learnerPage.click('[data-testid="auth-submit"]');
    const error = learnerPage.locator('[data-testid="password-error"]');
    await error.waitFor({ timeout: ANSWER_MS });
    expect(await error.textContent()).toContain("10자 이상");
    expect(await learnerPage.inputValue('input[name="email"]')).toBe(learner.email);
    expect(await learnerPage.inputValue('input[name="displayName"]')).toBe(learner.name);

    await learnerPage.fill('input[name="password"]', learner.password);
    await learnerPage.click('[data-testid="auth-submit"]');
    await learnerPage.waitForURL(/\/ko$/, { timeout: ANSWER_MS });
    const menu = learnerPage.locator('[data-testid="account-menu"][data-signed-in="true"]');
    await menu.waitFor({ timeout: ANSWER_MS });
    expect(await menu.getAttribute("data-role")).toBe("learner");
    expect(await menu.textContent()).toContain(learner.name);
    // A learner has no dashboard or admin link, and the admin page refuses them.
    expect(await learnerPage.locator('[data-testid="nav-admin"]').count()).toBe(0);
    await learnerPage.goto("/ko/admin");
    await learnerPage.locator('[data-testid="admin-forbidden"]').waitFor({ timeout: ANSWER_MS });
  });

  it("a wrong password is refused with a message in the page's language", async () => {
    const page = await newPage();
    await page.goto("/en/sign-in");
    await page.fill('input[name="email"]', learner.email);
    await page.fill('input[name="password"]', "not the password at all");
    await page.click('[data-testid="auth-submit"]');
    const error = page.locator('[data-testid="auth-error"]');
    await error.waitFor({ timeout: ANSWER_MS });
    expect(await error.getAttribute("data-error")).toBe("invalidCredentials");
    expect(await error.textContent()).toBe("The email or password is not correct.");
    expect(await page.inputValue('input[name="email"]')).toBe(learner.email);
  });

  it("an admin signs in and makes the learner an instructor", async () => {
    const admin = await newPage();
    await admin.goto(`/en/admin`);
    // Not signed in: sent to sign-in, and back to the admin page afterwards.
    await admin.waitForURL(/\/en\/sign-in\?next=%2Fen%2Fadmin$/, { timeout: ANSWER_MS });
    await admin.fill('input[name="email"]', inject("adminEmail"));
    await admin.fill('input[name="password"]', inject("adminPassword"));
    await admin.click('[data-testid="auth-submit"]');
    await admin.waitForURL(/\/en\/admin$/, { timeout: ANSWER_MS });
    await admin.locator('[data-testid="admin-page"]').waitFor({ timeout: ANSWER_MS });
    await admin.locator('[data-testid="admin-capacity"]').waitFor();

    const row = admin.locator(`[data-testid="admin-users"] tr[data-user-email="${learner.email}"]`);
    expect(await row.getAttribute("data-role")).toBe("learner");
    await row.locator("select[name=role]").selectOption("instructor");
    await row.locator('[data-testid="admin-role-save"]').click();
    await expect.poll(() => row.getAttribute("data-role"), { timeout: ANSWER_MS }).toBe("instructor");
    expect(await row.locator('[data-testid="admin-result"]').getAttribute("data-result")).toBe("roleChanged");

    // A new role ends the learner's sessions (issue 12): their next page is signed out, and
    // they sign in again to a session that carries what an instructor has.
    await learnerPage.goto("/ko");
    await learnerPage.locator('[data-testid="account-menu"][data-signed-in="false"]').waitFor({ timeout: ANSWER_MS });
    await learnerPage.goto("/ko/sign-in?next=%2Fko");
    await learnerPage.fill('input[name="email"]', learner.email);
    await learnerPage.fill('input[name="password"]', learner.password);
    await learnerPage.click('[data-testid="auth-submit"]');
    await learnerPage.waitForURL(/\/ko$/, { timeout: ANSWER_MS });
    await expect.poll(() => learnerPage.locator('[data-testid="account-menu"]').getAttribute("data-role"), { timeout: ANSWER_MS }).toBe("instructor");
    expect(await learnerPage.locator('[data-testid="account-menu"] a[href="/ko/dashboard"]').count()).toBe(1);
  });

  it("after five wrong passwords for one account, sign-in is refused with a time to wait, in Korean", async () => {
    const action = (name: string) => buildActions(root).find((a) => a.filename === "app/_lib/auth/actions.ts" && a.exportedName === name)!;
    const post = (name: string, fields: Record<string, string>) => {
      const form = new FormData();
      for (const [k, v] of Object.entries({ ...fields, locale: "ko", next: "/ko" })) form.append(k, v);
      return callAction(baseURL, { id: action(name).id, path: "/ko/sign-in" }, [{}, form]);
    };
    // An account no other test guesses at, so the count starts here.
    const target = { email: `guessed-${stamp}@e2e.example`, password: `guessed-${stamp}-password` };
    expect((await post("signUpAction", target)).redirect).toBe("/ko");
    const attempt = () => post("signInAction", { email: target.email, password: "wrong guess" });
    for (let i = 0; i < 5; i++) expect((await attempt()).value).toMatchObject({ error: "invalidCredentials" });
    const refused = await attempt();
    expect(refused.value).toMatchObject({ error: "rateLimited" });
    expect((refused.value as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(0);

    // Even the right password waits now, and the form says for how long.
    const page = await newPage();
    await page.goto("/ko/sign-in");
    await page.fill('input[name="email"]', target.email);
    await page.fill('input[name="password"]', target.password);
    await page.click('[data-testid="auth-submit"]');
    const error = page.locator('[data-testid="auth-error"]');
    await error.waitFor({ timeout: ANSWER_MS });
    expect(await error.getAttribute("data-error")).toBe("rateLimited");
    expect(await error.textContent()).toMatch(/\d+분 후에 다시 시도해 주세요/);
  });

  it("sign-out ends the session: the old cookie no longer names anyone", async () => {
    const context = learnerPage.context();
    const before = (await context.cookies()).find((c) => c.name === "kubelab_session");
    expect(before?.httpOnly).toBe(true);
    expect(before?.sameSite).toBe("Lax");
    await learnerPage.click('[data-testid="sign-out"]');
    await learnerPage.locator('[data-testid="account-menu"][data-signed-in="false"]').waitFor({ timeout: ANSWER_MS });
    // Replaying the old cookie: the session row is gone, so the server treats it as nobody.
    const replay = await browser.newContext({ baseURL });
    contexts.push(replay);
    await replay.addCookies([{ name: "kubelab_session", value: before!.value, url: baseURL }]);
    const page = await replay.newPage();
    await page.goto("/en/admin");
    await page.waitForURL(/\/en\/sign-in/, { timeout: ANSWER_MS });
  });
});
