// The lab as a learner uses it, in Debian's Chromium against the production server, which
// runs real labs (the lab image, on the real Docker engine). One learner (one browser
// context) goes through the whole story in order: start, type, reload, Run buttons, Korean,
// an expired terminal pass, stop. The screen is read through the terminal element's test
// hook (terminal.client.tsx), which returns the text on the learner's own screen.
import { Buffer } from "node:buffer";
import type { Browser, BrowserContext, Page, Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { signTerminalToken } from "@/sandbox/terminal/token";
import { openPage } from "../support/browser";
import { closeLabPage, cursor as cursorOf, labState as labStateOf, screen as screenOf, startLab, TERMINAL, terminalState as terminalStateOf, waitForShell as waitForShellOf } from "../support/lab-page";

const baseURL = inject("baseURL");
const secret = new TextEncoder().encode(inject("terminalSecret"));
const LESSON = "02-kubernetes-components";
/** Generous: the first start may have to wait for the warm pool to finish booting. */
const FIRST_START_MS = 150_000;
/** A command's answer; bounded, but roomy for a loaded 2-core host. */
const SCREEN_MS = 45_000;

let browser: Browser;
let context: BrowserContext;
let page: Page;

const terminal = TERMINAL;
const labState = () => labStateOf(page);
const terminalState = () => terminalStateOf(page);
const screen = () => screenOf(page);
const cursor = () => cursorOf(page);

async function waitForScreen(pattern: RegExp, timeout = SCREEN_MS): Promise<string> {
  await expect.poll(screen, { timeout, interval: 200 }).toMatch(pattern);
  return screen();
}

const waitForShell = (timeout = SCREEN_MS) => waitForShellOf(page, timeout);

async function run(command: string): Promise<void> {
  await page.keyboard.type(command);
  await page.keyboard.press("Enter");
}

beforeAll(async () => {
  ({ browser, context, page } = await openPage({ baseURL, viewport: { width: 1400, height: 900 } }));
});

afterAll(async () => {
  await closeLabPage({ browser, page });
});

describe("the lab", { timeout: 120_000 }, () => {
  it(
    "starts from the lesson page and answers kubectl in the terminal",
    async () => {
      await page.goto(`/en/lessons/${LESSON}`);
      expect(await labState()).toBe("none");
      // Run buttons wait for a lab.
      expect(await page.locator('[data-testid="code-run"]').first().isDisabled()).toBe(true);
      await startLab(page, FIRST_START_MS);
      // Start put the keyboard in the terminal.
      await run("kubectl get nodes");
      const text = await waitForScreen(/minikube\s+Ready/);
      expect(text).toMatch(/NAME\s+STATUS/);
    },
    FIRST_START_MS + 30_000,
  );

  it("comes back after a reload with the same shell, its screen and its history", async () => {
    await run("echo kubelab-$RANDOM");
    const marker = (await waitForScreen(/^kubelab-\d+$/m)).match(/^kubelab-\d+$/m)![0];
    await page.reload();
    await waitForShell();
    expect(await screen()).toContain(marker);
    await page.click(terminal);
    await page.keyboard.press("ArrowUp");
    await waitForScreen(/\$ echo kubelab-\$RANDOM\s*$/);
    await page.keyboard.press("Control+C");
    // The next test types through a Run button: it must find a clean prompt, not the recalled line.
    await waitForShell();
  });

  it("types a lesson's command into the terminal when its Run button is pressed", async () => {
    const block = page.locator('.code-block[data-language="bash"]', { hasText: "kubectl cluster-info" }).first();
    const button = block.locator('[data-testid="code-run"]');
    await expect.poll(() => button.isEnabled(), { timeout: SCREEN_MS }).toBe(true);
    await button.click();
    await waitForScreen(/Kubernetes control plane is running at/);
    // The keyboard is in the terminal afterwards.
    expect(await page.evaluate(() => document.activeElement?.closest('[data-testid="terminal"]') !== null)).toBe(true);
  });

  it("draws Korean two cells wide per syllable", async () => {
    await waitForShell();
    const before = await cursor();
    await page.keyboard.type("echo 안녕하세요");
    // "echo " is five cells, and each of the five syllables is two.
    await expect.poll(async () => (await cursor()).x, { timeout: SCREEN_MS }).toBe(before.x + 5 + 5 * 2);
    await page.keyboard.press("Enter");
    await waitForScreen(/^안녕하세요$/m);
  });

  it("keeps the same terminal, connected, when the learner moves to the next lesson", async () => {
    await page.$eval(terminal, (el) => ((el as HTMLElement & { kubelabMark?: string }).kubelabMark = "before-navigation"));
    await page.click('a[rel="next"]');
    await page.waitForURL((url) => !url.pathname.endsWith(LESSON));
    await expect.poll(() => page.getAttribute("article", "data-lesson-id")).not.toBe(LESSON);
    // The very same element (not a new panel that replayed the screen), still attached.
    expect(await page.$eval(terminal, (el) => (el as HTMLElement & { kubelabMark?: string }).kubelabMark)).toBe("before-navigation");
    expect(await terminalState()).toBe("attached");
    expect(await screen()).toContain("안녕하세요");
    await page.click('a[rel="prev"]');
    await page.waitForURL(`**/lessons/${LESSON}`);
    expect(await page.$eval(terminal, (el) => (el as HTMLElement & { kubelabMark?: string }).kubelabMark)).toBe("before-navigation");
  });

  it("says clearly when the terminal pass has expired, and connects again on request", async () => {
    // The page asks the server for a one-minute pass before each connect. Here the server's
    // answer is swapped for a pass with the same claims that expired ten seconds ago, signed
    // with the server's own secret, so the real server refuses it as expired.
    let swapped = 0;
    const swapTicket = async (route: Route) => {
      const request = route.request();
      if (request.method() !== "POST" || !request.headers()["next-action"]) return route.fallback();
      const response = await route.fetch();
      const body = await response.text();
      const token = body.match(/"token":"([\w.-]+)"/)?.[1];
      if (!token) return route.fulfill({ response, body });
      const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as { sub: string; sid: string };
      const expired = await signTerminalToken(secret, { userId: claims.sub, sandboxId: claims.sid }, -10);
      swapped++;
      return route.fulfill({ response, body: body.replace(token, expired) });
    };
    await page.route("**/lessons/**", swapTicket);
    await page.goto(`/ko/lessons/${LESSON}`);
    await expect.poll(terminalState, { timeout: SCREEN_MS }).toBe("error");
    expect(swapped).toBeGreaterThan(0);
    const message = page.locator('[data-testid="terminal-message"]');
    expect(await message.getAttribute("data-reason")).toBe("token-expired");
    expect(await message.textContent()).toContain("터미널 접속 시간이 만료되었습니다");
    expect(await message.isVisible()).toBe(true);
    // The lab itself is fine; only the pass was refused.
    expect(await labState()).toBe("ready");

    await page.unroute("**/lessons/**", swapTicket);
    await page.click('[data-testid="terminal-retry"]');
    await waitForShell();
    expect(await page.locator('[data-testid="terminal-message"]').count()).toBe(0);
    expect(await screen()).toContain("안녕하세요");
  });

  it("stops, and offers to start again", async () => {
    await page.click('[data-testid="lab-stop"]');
    // Stop asks first (issue 13, item 7); lab-ui.test.ts walks the question itself.
    await page.click('[data-testid="lab-stop-confirm"]');
    await expect.poll(labState, { timeout: 60_000 }).toBe("ended");
    const again = page.locator('[data-testid="lab-start"]');
    // Enabled once the stop action has answered (the stream may say "ended" a moment before).
    await expect.poll(() => again.isEnabled(), { timeout: SCREEN_MS }).toBe(true);
    expect(await again.textContent()).toBe("다시 시작");
    expect(await page.locator(".lab-card-title").textContent()).toBe("실습 환경을 종료했습니다");
    expect(await page.locator('[data-testid="code-run"]').first().isDisabled()).toBe(true);
  });
});
