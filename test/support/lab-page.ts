// What the end-to-end tests read from the lab panel on a page: the lab's state and the text
// and cursor of the learner's own terminal (through terminal.client.tsx's test hooks).
import type { Browser, Page } from "playwright-core";
import { expect } from "vitest";

export const TERMINAL = '[data-testid="terminal"]';

export const labState = (page: Page) => page.getAttribute('[data-testid="lab-state"]', "data-state");
export const terminalState = (page: Page) => page.getAttribute(TERMINAL, "data-terminal-state");
export const screen = (page: Page) => page.$eval(TERMINAL, (el) => (el as HTMLElement & { kubelabBuffer(): string }).kubelabBuffer());
export const cursor = (page: Page) => page.$eval(TERMINAL, (el) => (el as HTMLElement & { kubelabCursor(): { x: number; y: number } }).kubelabCursor());

/** Attached, and the cursor waits right after a prompt: keystrokes now reach the shell. */
export async function waitForShell(page: Page, timeout: number): Promise<void> {
  await expect.poll(() => terminalState(page), { timeout, interval: 200 }).toBe("attached");
  const atPrompt = async () => {
    const lines = (await screen(page)).trimEnd().split("\n");
    const last = lines[lines.length - 1] ?? "";
    return last.endsWith("$") && (await cursor(page)).x === last.length + 1;
  };
  await expect.poll(atPrompt, { timeout, interval: 200 }).toBe(true);
}

/** Presses Start and waits until the lab is ready and its shell waits at a prompt. */
export async function startLab(page: Page, timeout: number): Promise<void> {
  await page.click('[data-testid="lab-start"]');
  await expect.poll(() => labState(page), { timeout, interval: 250 }).toBe("ready");
  await waitForShell(page, timeout);
}

/** Types a line into the terminal as keystrokes and presses Enter. */
export async function typeLine(page: Page, line: string): Promise<void> {
  await page.click(TERMINAL);
  await page.keyboard.type(line);
  await page.keyboard.press("Enter");
}

/** Stop, then confirm: Stop asks first, as Reset does (issue 13, item 7). */
export async function stopLab(page: Page): Promise<void> {
  await page.click('[data-testid="lab-stop"]');
  await page.click('[data-testid="lab-stop-confirm"]');
}

/** Leaves no lab behind, whatever failed before (global teardown removes containers too). */
export async function stopLabIfReady(page: Page | undefined): Promise<void> {
  try {
    if (page && (await labState(page)) === "ready") await stopLab(page);
  } catch {
    // the page may be gone
  }
}

/** The end of a one-learner browser file: no lab left running, the browser closed. */
export async function closeLabPage(opened: { browser?: Browser; page?: Page } | undefined): Promise<void> {
  await stopLabIfReady(opened?.page);
  await opened?.browser?.close();
}
