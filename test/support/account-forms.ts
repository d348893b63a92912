// The account forms as a person fills them in a browser: sign-in and sign-up share one form
// (a display name only on sign-up), and the admin page makes instructors.
import type { Page } from "playwright-core";
import { expect } from "vitest";

export interface Who {
  name?: string;
  email: string;
  password: string;
}

export async function fillAuthForm(page: Page, who: Who): Promise<void> {
  if (who.name !== undefined) await page.fill('input[name="displayName"]', who.name);
  await page.fill('input[name="email"]', who.email);
  await page.fill('input[name="password"]', who.password);
  await page.click('[data-testid="auth-submit"]');
}

/** On the admin page an admin is already signed in to: makes an instructor and waits for the form's answer. */
export async function createInstructor(admin: Page, instructor: Required<Who>, timeout: number): Promise<void> {
  const form = admin.locator('[data-testid="admin-create-instructor"]');
  await form.locator('input[name="email"]').fill(instructor.email);
  await form.locator('input[name="displayName"]').fill(instructor.name);
  await form.locator('input[name="password"]').fill(instructor.password);
  await form.locator('button[type="submit"]').click();
  await expect.poll(() => form.locator('[data-testid="admin-result"]').getAttribute("role"), { timeout }).toBe("status");
}
