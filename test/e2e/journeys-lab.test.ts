// Issue 13's journeys that need a lab, in Debian's Chromium against the production server
// with a real lab: one learner, one browser context, one lab, in order. On a 390×844 phone
// the learner opens the lab from anywhere in a long lesson, presses Run far from it and sees
// the command land (items 6); Hangul shows in the terminal with the font the site ships
// (item 5); then, at 1280×800, Stop asks before it deletes anything (item 7).
// lab.test.ts walks the lab at 1400 px and pressed Stop as a one-click action; it never
// looked at a phone, at Hangul's glyphs or at what Stop did without asking.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { TERMINAL_FONT } from "@/app/_components/lab/terminal-theme";
import { openPage } from "../support/browser";
import { distinctHangul } from "../support/fonts";
import { closeLabPage, labState as labStateOf, screen as screenOf, TERMINAL, waitForShell } from "../support/lab-page";

const baseURL = inject("baseURL");
const LONG_LESSON = "05-deployments-and-replicasets";
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
/** Generous: the first start may have to wait for the warm pool to finish booting. */
const FIRST_START_MS = 150_000;
/** A command's answer; bounded, but roomy for a loaded 2-core host. */
const SCREEN_MS = 45_000;

let browser: Browser;
let context: BrowserContext;
let page: Page;
const labState = () => labStateOf(page);
const screen = () => screenOf(page);

beforeAll(async () => {
  ({ browser, context, page } = await openPage({ baseURL, viewport: PHONE, hasTouch: true, isMobile: true }));
});

afterAll(async () => {
  await page?.setViewportSize(DESKTOP).catch(() => undefined);
  await closeLabPage({ browser, page });
});

/** Whether the element's box lies wholly inside the window. */
async function inView(selector: string): Promise<boolean> {
  return page.$eval(selector, (el) => {
    const r = el.getBoundingClientRect();
    return r.height > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth;
  });
}

/** The Run button of a one-line, read-only `kubectl get`, about halfway down the lesson, and its command. */
async function runButtonMidway(): Promise<{ run: ReturnType<Page["locator"]>; command: string }> {
  const blocks = page.locator('.code-block[data-language="bash"]');
  const texts = await blocks.locator("pre").allTextContents();
  const candidates = texts.map((t, i) => ({ i, t: t.trim() })).filter(({ t }) => /^kubectl get [^\n|;&$]*$/.test(t));
  expect(candidates.length).toBeGreaterThan(0);
  const pick = candidates[Math.floor(candidates.length / 2)]!;
  return { run: blocks.nth(pick.i).locator('[data-testid="code-run"]'), command: pick.t };
}

/** The screen with the terminal's line wrapping undone (a phone's terminal is ~40 columns wide). */
const unwrapped = async () => (await screen()).replace(/\n/g, "");

describe("the lab on a phone, Hangul in the terminal, and Stop", { timeout: 120_000 }, () => {
  it(
    "opens from a bar at the bottom of a long Korean lesson, and starts",
    async () => {
      await page.goto(`/ko/lessons/${LONG_LESSON}`);
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2));
      const toggle = page.locator('[data-testid="lab-drawer-toggle"]');
      expect(await toggle.getAttribute("aria-expanded")).toBe("false");
      await toggle.tap();
      await expect.poll(() => inView('[data-testid="lab-start"]')).toBe(true);
      await page.locator('[data-testid="lab-start"]').tap();
      await expect.poll(labState, { timeout: FIRST_START_MS, interval: 250 }).toBe("ready");
      await waitForShell(page, FIRST_START_MS);
      expect(await inView(TERMINAL)).toBe(true);
      // Folded away again, the lesson has the screen.
      await toggle.tap();
      expect(await toggle.getAttribute("aria-expanded")).toBe("false");
      await expect.poll(() => inView(TERMINAL)).toBe(false);
    },
    FIRST_START_MS + 30_000,
  );

  it.each(["ko", "en"])("a Run pressed in the middle of the %s lesson opens the lab where the command lands", async (locale) => {
    if (locale !== "ko") {
      await page.goto(`/${locale}/lessons/${LONG_LESSON}`);
      await waitForShell(page, SCREEN_MS);
    }
    // The drawer folded away, as the learner left it to read on.
    if ((await page.getAttribute('[data-testid="lab-drawer"]', "data-open")) === "true") await page.locator('[data-testid="lab-drawer-toggle"]').tap();
    await expect.poll(() => inView(TERMINAL)).toBe(false);
    const { run, command } = await runButtonMidway();
    await run.scrollIntoViewIfNeeded();
    expect(await inView(TERMINAL)).toBe(false);
    await run.tap();
    await expect.poll(() => page.getAttribute('[data-testid="lab-drawer"]', "data-open")).toBe("true");
    await expect.poll(() => inView(TERMINAL)).toBe(true);
    await expect.poll(unwrapped, { timeout: SCREEN_MS }).toContain(`$ ${command}`);
  });

  it("shows Hangul in the terminal with a Korean font, not boxes", async () => {
    await page.locator(TERMINAL).tap();
    // Run left the drawer open and the keyboard in the terminal: the learner types on.
    expect(await inView(TERMINAL)).toBe(true);
    // 뷁 is in no lesson: only the terminal can make the browser fetch the glyphs for it.
    await page.keyboard.type("echo 뷁-안녕하세요");
    await page.keyboard.press("Enter");
    await expect.poll(screen, { timeout: SCREEN_MS }).toMatch(/^뷁-안녕하세요$/m);
    expect(await distinctHangul(page, TERMINAL_FONT)).toBe(true);
    // The terminal's Hangul made the browser fetch the shipped font's subset for 뷁 (U+BDC1).
    await expect
      .poll(() =>
        page.evaluate(() =>
          Array.from(document.fonts).some((f) => {
            if (f.family.replace(/["']/g, "") !== "Nanum Gothic Coding" || f.status !== "loaded") return false;
            return f.unicodeRange.split(",").some((part) => {
              const [from, to] = part.trim().replace(/^U\+/i, "").split("-").map((h) => parseInt(h, 16));
              return from! <= 0xbdc1 && 0xbdc1 <= (to ?? from!);
            });
          }),
        ),
      )
      .toBe(true);
  });

  it("at 1280×800, Stop asks first; Cancel keeps the lab, and confirming ends it", async () => {
    await page.setViewportSize(DESKTOP);
    await page.goto(`/ko/lessons/${LONG_LESSON}`);
    await waitForShell(page, SCREEN_MS);
    await page.click('[data-testid="lab-stop"]');
    const dialog = page.locator('[role="alertdialog"]', { hasText: "실습 환경을 종료하시겠습니까?" });
    expect(await dialog.isVisible()).toBe(true);
    expect(await labState()).toBe("ready");
    await page.click('[data-testid="lab-stop-cancel"]');
    expect(await dialog.count()).toBe(0);
    // Nothing was stopped: the shell still answers.
    await page.locator(TERMINAL).click();
    await page.keyboard.type("echo still-here-$((40+2))");
    await page.keyboard.press("Enter");
    await expect.poll(screen, { timeout: SCREEN_MS }).toMatch(/^still-here-42$/m);

    await page.goto(`/en/lessons/${LONG_LESSON}`);
    await waitForShell(page, SCREEN_MS);
    await page.click('[data-testid="lab-stop"]');
    expect(await page.locator('[role="alertdialog"]', { hasText: "Stop your lab?" }).isVisible()).toBe(true);
    await page.click('[data-testid="lab-stop-confirm"]');
    await expect.poll(labState, { timeout: 60_000 }).toBe("ended");
  });
});
