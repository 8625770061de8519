// Screenshots of the dashboard's org page at a laptop's and a phone's width:
//   node screenshots.mjs BASE_URL TOKEN ORG [OUT_DIR]
import { mkdirSync } from "node:fs";
import { launch } from "./browser.mjs";

const [base, token, org, out = "screenshots"] = process.argv.slice(2);
if (!base || !token || !org) {
  console.error("usage: node screenshots.mjs BASE_URL TOKEN ORG [OUT_DIR]");
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const browser = await launch();
try {
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  await page.goto(`${base}/ui/signin`);
  await page.getByLabel("Token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${base}/ui/`);
  for (const [name, width, height] of [["laptop", 1366, 800], ["phone", 390, 844]]) {
    await page.setViewportSize({ width, height });
    await page.goto(`${base}/ui/`);
    await page.screenshot({ path: `${out}/orgs-${name}.png`, fullPage: true });
    await page.goto(`${base}/ui/orgs/${org}`);
    await page.screenshot({ path: `${out}/org-${name}.png`, fullPage: true });
    if (name === "phone") {
      // The full page is tall: also in screen-sized parts, to look at.
      const total = await page.evaluate(() => document.documentElement.scrollHeight);
      for (let y = 0, i = 1; y < total; y += height, i++) {
        await page.screenshot({ path: `${out}/org-phone-${i}.png`, fullPage: true,
          clip: { x: 0, y, width, height: Math.min(height, total - y) } });
      }
    }
  }
} finally {
  await browser.close();
}
