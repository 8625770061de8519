// Screenshots of the dashboard at a desktop's size (1440×900) and a
// phone's (390×844), for the README: the org page, the seats filtered to
// those idle 90 days or more (the results in view), and the confirmation
// of cancelling them all, with its checks. Nothing is changed.
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
  for (const [name, width, height] of [["desktop", 1440, 900], ["phone", 390, 844]]) {
    await page.setViewportSize({ width, height });
    await page.goto(`${base}/ui/orgs/${org}`);
    await page.screenshot({ path: `${out}/org-${name}.png`, fullPage: name === "desktop" });
    await page.goto(`${base}/ui/orgs/${org}?idle=90#seats`);
    await page.screenshot({ path: `${out}/idle-${name}.png` });
    const all = page.locator("#cancel-filter");
    if (await all.count()) {
      await all.click();
      await page.waitForURL(/\/cancel$/);
      await page.screenshot({ path: `${out}/confirm-${name}.png`, fullPage: true });
    }
  }
} finally {
  await browser.close();
}
