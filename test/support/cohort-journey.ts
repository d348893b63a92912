// A class set up as people do it in the browser: the admin makes an instructor, the instructor
// makes a cohort and keeps its dashboard open, a learner signs up through the invite link and
// joins. For the end-to-end files that need a cohort before what they test.
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { createInstructor, fillAuthForm, type Who } from "./account-forms";

/**
 * Signs the admin in on `admin`, makes the instructor, signs them in on `teacher` and makes a
 * cohort named `cohortName`. Returns with `teacher` on the cohort's dashboard, its live stream
 * connected, and the invite link as the dashboard shows it.
 */
export async function cohortWithDashboard(
  pages: { admin: Page; teacher: Page },
  who: { admin: Who; instructor: Required<Who> },
  cohortName: string,
  timeout: number,
): Promise<{ cohortId: string; inviteUrl: string }> {
  const { admin, teacher } = pages;
  await admin.goto(`/en/sign-in?next=${encodeURIComponent("/en/admin")}`);
  await fillAuthForm(admin, who.admin);
  await admin.waitForURL(/\/en\/admin$/, { timeout });
  await createInstructor(admin, who.instructor, timeout);

  await teacher.goto(`/en/sign-in?next=${encodeURIComponent("/en/dashboard")}`);
  await fillAuthForm(teacher, { email: who.instructor.email, password: who.instructor.password });
  await teacher.waitForURL(/\/en\/dashboard$/, { timeout });
  await teacher.locator('[data-testid="create-cohort"] input[name="name"]').fill(cohortName);
  await teacher.click('[data-testid="create-cohort-submit"]');
  await teacher.waitForURL(/\/en\/dashboard\/[a-z0-9]{20,32}$/, { timeout });
  await expect.poll(() => teacher.getAttribute('[data-testid="stream-state"]', "data-state"), { timeout }).toBe("live");
  await expect.poll(() => teacher.inputValue('[data-testid="invite-link"]'), { timeout }).toMatch(/\/en\/join\/[A-Za-z0-9_-]{24}$/);
  return { cohortId: teacher.url().split("/").at(-1)!, inviteUrl: await teacher.inputValue('[data-testid="invite-link"]') };
}

/**
 * A new learner opens the invite (its path on `page`'s own server), signs up from it and joins.
 * The link is the dashboard's: with several servers, the learner's may be another than the
 * instructor's.
 */
export async function joinThroughInvite(page: Page, inviteUrl: string, learner: Required<Who>, timeout: number): Promise<void> {
  const invitePath = new URL(inviteUrl).pathname;
  await page.goto(invitePath);
  await page.click('[data-testid="join-sign-up"]');
  await page.waitForURL(/\/sign-up\?next=/, { timeout });
  await fillAuthForm(page, learner);
  await page.waitForURL((url) => url.pathname === invitePath, { timeout });
  await page.click('[data-testid="join-cohort"]');
  await page.waitForSelector('[data-testid="join-done"]', { timeout });
}
