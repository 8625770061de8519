// End-to-end tests of the dashboard: a real seatkeeper binary, built from
// this tree and started on e2e/seed.yaml, driven by Debian's headless
// Chromium through playwright-core. One browser session walks through what
// an org owner does: sign in, filter idle seats, cancel one (confirming),
// see it pending, download the CSV, sign out.
//
//   cd e2e && npm ci && npm test
//
// SEATKEEPER_BIN names a binary to use instead of building one;
// CHROMIUM_PATH another Chromium than /usr/bin/chromium.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { launch } from "./browser.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const ownerToken = "ghp_e2eAnnOwnerManageBillingToken0001";
const adminToken = "ghp_e2eOpsSiteAdminClockToken00000001";
const now = "2026-03-20T12:00:00Z"; // the service clock during the tests

const work = mkdtempSync(join(tmpdir(), "seatkeeper-e2e-"));
let server; // the seatkeeper process
let serverLog = "";
let base; // http://127.0.0.1:PORT
let browser;
let page;

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.unref();
    s.on("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

async function waitUntilUp(url, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`seatkeeper exited (${server.exitCode}):\n${serverLog}`);
    try {
      const r = await fetch(url, { redirect: "manual" });
      if (r.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`seatkeeper did not come up:\n${serverLog}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  let bin = process.env.SEATKEEPER_BIN;
  if (!bin) {
    bin = join(work, "seatkeeper");
    execFileSync("go", ["build", "-o", bin, "./cmd/seatkeeper"], { cwd: root, stdio: "inherit" });
  }
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(bin, [
    "serve", "--seed", join(here, "seed.yaml"), "--addr", `127.0.0.1:${port}`,
    "--database", join(work, "e2e.db"), "--allow-clock-control",
  ], { stdio: ["ignore", "pipe", "pipe"] });
  server.stdout.on("data", (d) => { serverLog += d; });
  server.stderr.on("data", (d) => { serverLog += d; });
  await waitUntilUp(`${base}/ui/signin`, 30_000);
  // Stop the service clock where the seed's times make sense.
  const r = await fetch(`${base}/_seatkeeper/clock`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ now }),
  });
  assert.equal(r.status, 200, await r.text());

  browser = await launch();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.setDefaultTimeout(10_000);
  await page.setViewportSize({ width: 1280, height: 900 });
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((ok) => server.once("exit", ok));
    server.kill("SIGTERM");
    await exited;
  }
  rmSync(work, { recursive: true, force: true });
});

// seatLogins lists the logins of the seats table, in order.
async function seatLogins() {
  return page.locator("table.seats tbody th[scope=row]").allTextContents();
}

// seatRow is the table row of one login.
function seatRow(login) {
  return page.locator("table.seats tbody tr", { has: page.locator("th[scope=row]", { hasText: new RegExp(`^${login}$`) }) });
}

describe("an org owner in the dashboard", () => {
  test("is sent to sign in, and signs in with a token", async () => {
    await page.goto(`${base}/ui/orgs/acme`);
    assert.match(page.url(), /\/ui\/signin\?next=%2Fui%2Forgs%2Facme$/);
    await page.getByLabel("Token").fill("ghp_notAToken");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "Bad credentials" }).waitFor();

    await page.getByLabel("Token").fill(ownerToken);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${base}/ui/orgs/acme`);
    await page.getByRole("heading", { level: 1, name: /acme/ }).waitFor();
    assert.match(await page.locator("header").innerText(), /Signed in as ann/);
    assert.ok(!(await page.content()).includes(ownerToken), "the page shows the token");
    const cookies = await browser.context.cookies(`${base}/ui/`);
    const session = cookies.find((c) => c.name === "seatkeeper_session");
    assert.ok(session, "no session cookie");
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, "Strict");
    assert.equal(session.path, "/ui");
    assert.notEqual(session.value, ownerToken);

    // The org page: cards, both charts, every seat, most idle first.
    const cards = await page.locator(".cards").innerText();
    assert.match(cards, /Total billed\s+5\s+95 USD a month/);
    assert.equal(await page.locator("svg[role=img]").count(), 2);
    assert.deepEqual(await seatLogins(), ["dee", "bob", "eve", "cid", "ann"]);
  });

  test("filters the seats idle for 30 days or more", async () => {
    await page.getByLabel("Idle at least (days)").fill("30");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/idle=30/);
    assert.deepEqual(await seatLogins(), ["dee", "bob", "eve"]);
    assert.match(await page.locator("#result-count").innerText(), /Seats 1–3 of 3 matching the filter \(of 5\)/);
    // Sorting by login keeps the filter.
    await page.getByRole("link", { name: "Login", exact: true }).click();
    await page.waitForURL(/sort=login/);
    assert.match(page.url(), /idle=30/);
    assert.deepEqual(await seatLogins(), ["bob", "dee", "eve"]);
  });

  test("cancels one seat, confirming, and sees it pending", async () => {
    const cancel = page.getByRole("button", { name: /^Cancel .*selected seat/ });
    assert.equal(await cancel.isDisabled(), true, "the cancel button is on with nothing selected");
    await page.getByLabel("Select bob").check();
    assert.equal(await cancel.innerText(), "Cancel 1 selected seat…");
    await cancel.click();

    // The confirmation step changes nothing yet.
    await page.getByText("Cancel the Copilot seat of this member in acme?").waitFor();
    assert.deepEqual(await page.locator("ul.logins li").allTextContents(), ["bob"]);
    assert.match(await page.locator("main").innerText(), /stays listed and billed until 2026-04-01/);
    await page.getByRole("button", { name: "Cancel 1 seat" }).click();

    // Back on the filtered list, with the outcome and the seat pending.
    await page.waitForURL(/\/ui\/orgs\/acme\?.*idle=30/);
    assert.match(await page.getByRole("status").first().innerText(), /Cancelled 1 seat \(seats_cancelled: 1\)\. It stays billed until 2026-04-01/);
    assert.match(await seatRow("bob").innerText(), /ends 2026-04-01/);
    assert.doesNotMatch(await seatRow("dee").innerText(), /ends/);
    assert.match(await page.locator(".cards").innerText(), /Pending cancellation\s+1/);

    // The API agrees.
    const r = await fetch(`${base}/orgs/acme/members/bob/copilot`, { headers: { Authorization: `Bearer ${ownerToken}` } });
    assert.equal((await r.json()).pending_cancellation_date, "2026-04-01");
  });

  test("refuses a seat held through a team with GitHub's message", async () => {
    await page.goto(`${base}/ui/orgs/acme?grant=team%3Aweb-team`);
    await page.getByLabel("Select cid").check();
    await page.getByRole("button", { name: "Cancel 1 selected seat…" }).click();
    await page.getByRole("button", { name: "Cancel 1 seat" }).click();
    const alert = await page.getByRole("alert").innerText();
    assert.match(alert, /Nothing changed\. Seat assignment could not be cancelled: user cid was assigned via team Web Team\./);
    await page.getByRole("link", { name: "Back to the seats" }).click();
    await page.waitForURL(/grant=team/);
  });

  test("downloads the filtered list as CSV", async () => {
    await page.goto(`${base}/ui/orgs/acme?idle=30&sort=login&dir=asc`);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download CSV" }).click(),
    ]);
    assert.equal(download.suggestedFilename(), "acme-seats-2026-03-20.csv");
    const csv = readFileSync(await download.path(), "utf8").trim().split("\n");
    assert.equal(csv[0], "login,last_activity_at,last_activity_editor,days_idle,grant_type,grant,created_at,pending_cancellation_date,monthly_cost_usd");
    assert.deepEqual(csv.slice(1).map((l) => l.split(",")[0]), ["bob", "dee", "eve"]);
    assert.match(csv[1], /^bob,2025-12-01T08:00:00Z,.*,109,direct,direct,2025-06-01T09:00:00Z,2026-04-01,19\.00$/);
  });

  test("moves through the page with the keyboard", async () => {
    await page.goto(`${base}/ui/orgs/acme`);
    await page.keyboard.press("Tab");
    const first = await page.evaluate(() => document.activeElement?.textContent?.trim());
    assert.equal(first, "Skip to content");
    await page.keyboard.press("Enter");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "main");
    // Every form control has a name a screen reader can read.
    const unnamed = await page.evaluate(() =>
      [...document.querySelectorAll("input:not([type=hidden]), select, textarea, button")]
        .filter((el) => !el.hidden && !(el.labels?.length || el.getAttribute("aria-label") || el.textContent.trim()))
        .map((el) => el.outerHTML));
    assert.deepEqual(unnamed, []);
  });

  test("signs out", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${base}/ui/signin?why=out`);
    await page.getByText("You are signed out.").waitFor();
    await page.goto(`${base}/ui/orgs/acme`);
    assert.match(page.url(), /\/ui\/signin\?next=/);
  });
});
