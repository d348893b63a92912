// Debian's Chromium driven by playwright-core. Playwright's own browser download cannot
// work offline, so the set-up installs the `chromium` package and tests use it.
import { existsSync } from "node:fs";
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from "playwright-core";

export const CHROMIUM = process.env.KUBELAB_CHROMIUM ?? "/usr/bin/chromium";

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}. Run \`npm test\` (its set-up installs Debian's chromium) or \`apt-get install chromium\`.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // No background traffic: this host has no internet and tests talk to loopback only.
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
  });
}

export interface OpenPage {
  browser: Browser;
  context: BrowserContext;
  page: Page;
}

/** A browser with one context and one page, for a test file that walks one learner through the site. */
export async function openPage(options: BrowserContextOptions): Promise<OpenPage> {
  const browser = await launchBrowser();
  const context = await browser.newContext(options);
  return { browser, context, page: await context.newPage() };
}
