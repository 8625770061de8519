// Launching Debian's Chromium through playwright-core, as every script here
// does: never a browser downloaded by Playwright.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const executablePath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

// launch starts headless Chromium with a fresh profile, removed by close().
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), "seatkeeper-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    acceptDownloads: true,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
