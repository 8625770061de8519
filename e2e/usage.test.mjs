// End-to-end tests of the dashboard's usage pages (/ui/orgs/{org}/usage
// and /ui/enterprises/{enterprise}/usage): a real seatkeeper binary on
// e2e/seed.yaml's usage events, driven by Debian's headless Chromium
// through playwright-core, at a desktop's size (1440×900) and a phone's
// (390×844), each on a fresh server: reach the page from the seats, read
// the figures (which the usage-metrics report gives too), the rankings,
// the days and the seats idle by usage, with nothing wider than the
// screen, every control named, and no axe-core violation.
//
//   cd e2e && npm ci && npm test
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { launch } from "./browser.mjs";
import { buildSeatkeeper, startSeatkeeper } from "./serve.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const ownerToken = "ghp_e2eAnnOwnerManageBillingToken0001";
const adminToken = "ghp_e2eOpsSiteAdminClockToken00000001";
const now = "2026-03-20T12:00:00Z"; // the service clock: the page shows 2026-02-20 to 2026-03-19

const work = mkdtempSync(join(tmpdir(), "seatkeeper-e2e-usage-"));
let bin;

before(() => {
  bin = buildSeatkeeper(root, work);
});

after(() => rmSync(work, { recursive: true, force: true }));

async function startServer(name) {
  const server = await startSeatkeeper(bin, [
    "--seed", join(here, "seed.yaml"), "--database", join(work, `${name}.db`), "--allow-clock-control",
  ]);
  const r = await fetch(`${server.base}/_seatkeeper/clock`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ now }),
  });
  assert.equal(r.status, 200, await r.text());
  return server;
}

// axeViolations runs axe-core (the WCAG 2 A and AA rules) on the page and
// returns its violations, each as its rule and the elements it names.
// The page's Content-Security-Policy refuses injected script tags; an
// evaluation from the test is not the page's, and runs.
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core"), "utf8");
async function axeViolations(page) {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () =>
    (await window.axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] })).violations);
  return violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

// reportDay is the organization-1-day record of day, through the API: the
// report endpoint, then its download link (path: an enterprise's report).
async function reportDay(base, day, path = "orgs/acme/copilot/metrics/reports/organization-1-day") {
  const r = await fetch(`${base}/${path}?day=${day}`, {
    headers: { Authorization: `Bearer ${ownerToken}` },
  });
  const body = await r.text();
  assert.equal(r.status, 200, body);
  const { download_links: [link] } = JSON.parse(body);
  const d = await fetch(link);
  assert.equal(d.status, 200);
  return JSON.parse((await d.text()).trim());
}

for (const [size, width, height] of [["desktop", 1440, 900], ["phone", 390, 844]]) {
  describe(`the usage page on a ${size} (${width}×${height})`, () => {
    let server, base, browser, page;

    before(async () => {
      server = await startServer(`usage-${size}`);
      base = server.base;
      browser = await launch();
      page = browser.context.pages()[0] ?? (await browser.context.newPage());
      page.setDefaultTimeout(10_000);
      await page.setViewportSize({ width, height });
    });

    after(async () => {
      await browser?.close();
      await server?.stop();
    });

    const text = (sel) => page.locator(sel).innerText();
    const rows = (sel) => page.locator(`${sel} tbody tr`).evaluateAll(
      (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent.trim()).join(" ")));

    test("is reached from the seats after signing in", async () => {
      await page.goto(`${base}/ui/orgs/acme/usage`);
      assert.match(page.url(), /\/ui\/signin\?next=%2Fui%2Forgs%2Facme%2Fusage$/);
      await page.getByLabel("Token").fill(ownerToken);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(`${base}/ui/orgs/acme/usage`);
      await page.getByRole("link", { name: "Seats" }).click();
      await page.waitForURL(`${base}/ui/orgs/acme`);
      await page.getByRole("link", { name: "Usage" }).click();
      await page.waitForURL(`${base}/ui/orgs/acme/usage`);
      await page.getByRole("heading", { level: 1, name: /acme\s+Copilot usage/ }).waitFor();
      assert.match(await text(".lede"), /2026-02-20 to 2026-03-19/);
    });

    test("shows the active users and acceptance of the reports", async () => {
      assert.equal(await text("#dau"), "1");
      assert.equal(await text("#wau"), "2");
      assert.equal(await text("#mau"), "3");
      assert.equal(await text("#rate"), "36.4%");
      assert.equal(await text("#accepted"), "8");
      assert.equal(await text("#generated"), "22");
      // The same figures as the usage-metrics report of the last day.
      const day = await reportDay(base, "2026-03-19");
      assert.equal(day.daily_active_users, 1);
      assert.equal(day.weekly_active_users, 2);
      assert.equal(day.monthly_active_users, 3);
      assert.equal(await page.locator("svg[role=img]").count(), 1);
    });

    test("ranks features, IDEs and languages, and lists the days", async () => {
      assert.deepEqual(await rows("#features"), ["code_completion 20", "chat_panel_ask_mode 2"]);
      assert.deepEqual(await rows("#ides"), ["vscode 16", "intellij 6"]);
      assert.deepEqual(await rows("#languages"), ["go 14", "java 6", "python 2"]);
      const days = await rows("#days");
      assert.equal(days.length, 28);
      assert.equal(days[0], "2026-02-20 0 0 0 0");
      assert.equal(days[5], "2026-02-25 1 1 4 0");
      assert.equal(days[27], "2026-03-19 1 2 10 4");
    });

    test("lists the seats idle 30 days by usage, with their cost", async () => {
      assert.equal(await text("#idle"), "3");
      assert.equal(await text("#idle-cost"), "57 USD");
      assert.deepEqual(await page.locator("#idle-list li").allInnerTexts(), ["cid", "dee", "gil"]);
      await page.getByRole("heading", { level: 2, name: "Seats idle 30 days by usage" }).scrollIntoViewIfNeeded();
    });

    test("fits the screen, and names every control", async () => {
      await page.goto(`${base}/ui/orgs/acme/usage`);
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), "the page scrolls sideways");
      const unnamed = await page.evaluate(() =>
        [...document.querySelectorAll("a, input:not([type=hidden]), select, textarea, button")]
          .filter((el) => el.checkVisibility() && !(el.labels?.length || el.getAttribute("aria-label") || el.textContent.trim()))
          .map((el) => el.outerHTML));
      assert.deepEqual(unnamed, []);
      // The day table scrolls within its region on a phone, not the page.
      const region = page.getByRole("region", { name: "Usage of acme per day, oldest first" });
      assert.equal(await region.getAttribute("tabindex"), "0");
      assert.deepEqual(await axeViolations(page), []);
    });
  });

  describe(`the enterprise usage page on a ${size} (${width}×${height})`, () => {
    let server, base, browser, page;

    before(async () => {
      server = await startServer(`enterprise-usage-${size}`);
      base = server.base;
      browser = await launch();
      page = browser.context.pages()[0] ?? (await browser.context.newPage());
      page.setDefaultTimeout(10_000);
      await page.setViewportSize({ width, height });
    });

    after(async () => {
      await browser?.close();
      await server?.stop();
    });

    const text = (sel) => page.locator(sel).innerText();
    const rows = (sel) => page.locator(`${sel} tbody tr`).evaluateAll(
      (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent.trim()).join(" ")));

    test("is reached from the enterprise's seats", async () => {
      await page.goto(`${base}/ui/enterprises/acme-group/usage`);
      assert.match(page.url(), /\/ui\/signin\?next=%2Fui%2Fenterprises%2Facme-group%2Fusage$/);
      await page.getByLabel("Token").fill(ownerToken);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(`${base}/ui/enterprises/acme-group/usage`);
      await page.getByRole("link", { name: "Seats" }).click();
      await page.waitForURL(`${base}/ui/enterprises/acme-group`);
      await page.getByRole("link", { name: "Usage" }).click();
      await page.waitForURL(`${base}/ui/enterprises/acme-group/usage`);
      await page.getByRole("heading", { level: 1, name: /Acme Group\s+Copilot usage/ }).waitFor();
      assert.match(await text(".lede"), /2026-02-20 to 2026-03-19/);
    });

    test("shows its orgs' usage and its own seats', as its reports do", async () => {
      assert.equal(await text("#dau"), "2");
      assert.equal(await text("#mau"), "2");
      assert.equal(await text("#generated"), "18");
      assert.equal(await text("#accepted"), "6");
      assert.equal(await text("#rate"), "33.3%");
      const day = await reportDay(base, "2026-03-19", "enterprises/acme-group/copilot/metrics/reports/enterprise-1-day");
      assert.equal(day.daily_active_users, 2);
      assert.equal(day.code_generation_activity_count, 14);
      assert.deepEqual(await rows("#languages"), ["go 10", "rust 8"]);
      const days = await rows("#days");
      assert.equal(days.length, 28);
      assert.equal(days[27], "2026-03-19 2 2 14 5");
      assert.equal(await page.locator("#idle").count(), 0);
      assert.deepEqual(await page.locator("#org-list li").allInnerTexts(), ["acme-labs"]);
    });

    test("fits the screen, names every control, and passes axe", async () => {
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), "the page scrolls sideways");
      const unnamed = await page.evaluate(() =>
        [...document.querySelectorAll("a, input:not([type=hidden]), select, textarea, button")]
          .filter((el) => el.checkVisibility() && !(el.labels?.length || el.getAttribute("aria-label") || el.textContent.trim()))
          .map((el) => el.outerHTML));
      assert.deepEqual(unnamed, []);
      assert.deepEqual(await axeViolations(page), []);
    });
  });
}
