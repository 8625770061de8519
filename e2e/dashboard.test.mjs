// End-to-end tests of the dashboard: a real seatkeeper binary, built from
// this tree and started on e2e/seed.yaml, driven by Debian's headless
// Chromium through playwright-core. The whole clean-up an org owner does
// runs twice, at a desktop's size (1440×900) and a phone's (390×844), each
// on a fresh server: sign in, filter and sort, search by name, select
// across a whole filter, confirm with the checks shown, undo, assign seats
// (a typo'd login shown apart), assign a team, cancel a team's seats
// (who keeps one through another grant shown first) with undo, the CSV,
// the keyboard, one colour meaning, sign out.
//
//   cd e2e && npm ci && npm test
//
// SEATKEEPER_BIN names a binary to use instead of building one;
// CHROMIUM_PATH another Chromium than /usr/bin/chromium.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { launch } from "./browser.mjs";
import { buildSeatkeeper, startSeatkeeper } from "./serve.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const ownerToken = "ghp_e2eAnnOwnerManageBillingToken0001";
const adminToken = "ghp_e2eOpsSiteAdminClockToken00000001";
const now = "2026-03-20T12:00:00Z"; // the service clock during the tests

const work = mkdtempSync(join(tmpdir(), "seatkeeper-e2e-"));
let bin;

before(() => {
  bin = buildSeatkeeper(root, work);
});

after(() => rmSync(work, { recursive: true, force: true }));

// startServer starts seatkeeper on the seed with a database of its own,
// and stops its clock at now.
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

// apiSeat is the API's answer for a member's seat.
async function apiSeat(base, login) {
  const r = await fetch(`${base}/orgs/acme/members/${login}/copilot`, { headers: { Authorization: `Bearer ${ownerToken}` } });
  assert.equal(r.status, 200);
  return r.json();
}

for (const [size, width, height] of [["desktop", 1440, 900], ["phone", 390, 844]]) {
  const phone = size === "phone";

  describe(`an org owner on a ${size} (${width}×${height})`, () => {
    let server, base, browser, page;

    before(async () => {
      server = await startServer(size);
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

    const seatLogins = () => page.locator("table.seats tbody th[scope=row]").evaluateAll(
      (ths) => ths.map((th) => th.firstChild.textContent.trim()));
    const seatRow = (login) => page.locator("table.seats tbody tr", { has: page.locator(`input[value="${login}"]`) });

    // inView fails unless the element's top is on screen.
    async function inView(selector) {
      const box = await page.locator(selector).boundingBox();
      assert.ok(box && box.y >= -1 && box.y < height - 40, `${selector} is off screen at y=${box?.y}`);
    }

    test("signs in with a token and sees the org", async () => {
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
      const session = (await browser.context.cookies(`${base}/ui/`)).find((c) => c.name === "seatkeeper_session");
      assert.ok(session, "no session cookie");
      assert.equal(session.httpOnly, true);
      assert.equal(session.sameSite, "Strict");

      // Cards with what idle and pending seats cost, both charts, every
      // seat most idle first, editors readable.
      const cards = await page.locator(".cards").innerText();
      assert.match(cards, /Total billed\s+6\s+114 USD a month/);
      assert.match(cards, /Idle 90 days or more\s+2\s+38 USD a month/);
      assert.match(cards, /Pending cancellation\s+1\s+19 USD a month/);
      assert.equal(await page.locator("svg[role=img]").count(), 2);
      assert.deepEqual(await seatLogins(), ["dee", "bob", "cid", "eve", "gil", "ann"]);
      assert.match(await seatRow("ann").innerText(), /VS Code 1\.99 · Copilot Chat 0\.26/);
      // The page fits the screen: nothing wider than the viewport.
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), "the page scrolls sideways");
    });

    test("uses one colour for one meaning, and buckets that agree with the filter", async () => {
      const fill = (sel) => page.locator(sel).first().evaluate((el) => getComputedStyle(el).fill);
      const idleFill = await fill("#idle-caption ~ svg .bar.accent rect");
      const currentFill = await fill("#cycles-caption ~ svg .bar.accent rect");
      assert.notEqual(idleFill, currentFill, "the current cycle is drawn in the idle colour");
      const idleText = await page.locator(".card.warn .card-value").first().evaluate((el) => getComputedStyle(el).color);
      assert.equal(idleText.replace(/\s/g, ""), "rgb(154,52,18)");
      // The "90 or more" bar counts what the filter idle ≥ 90 finds.
      const bar = await page.locator("#idle-caption ~ svg .bar.accent title").textContent();
      assert.match(bar, /90 or more days idle: 2/);
    });

    test("filters, sorts and searches, keeping the results in view", async () => {
      await page.getByLabel("Idle at least (days)").fill("30");
      await page.getByRole("button", { name: "Apply" }).click();
      await page.waitForURL(/idle=30/);
      assert.match(page.url(), /#seats$/);
      await inView("#seats-h");
      assert.deepEqual(await seatLogins(), ["dee", "bob", "cid", "eve", "gil"]);
      assert.match(await page.locator("#result-count").innerText(), /Seats 1–5 of 5 matching the filter \(of 6\)/);

      if (phone) {
        // No table header on a phone: sorting is in the filter form.
        assert.equal(await page.locator("table.seats thead").isVisible(), false);
        await page.getByLabel("Sort by").selectOption("login");
        await page.getByLabel("Order").selectOption("asc");
        await page.getByRole("button", { name: "Apply" }).click();
      } else {
        assert.equal(await page.getByLabel("Sort by").isVisible(), false);
        await page.getByRole("link", { name: "Login", exact: true }).click();
      }
      await page.waitForURL(/sort=login/);
      assert.match(page.url(), /idle=30/);
      await inView("#seats-h");
      assert.deepEqual(await seatLogins(), ["bob", "cid", "dee", "eve", "gil"]);

      // Search by name.
      await page.goto(`${base}/ui/orgs/acme`);
      await page.getByLabel("Login or name contains").fill("dowling");
      await page.getByRole("button", { name: "Apply" }).click();
      await page.waitForURL(/q=dowling/);
      assert.deepEqual(await seatLogins(), ["dee"]);
    });

    test("selects seats on the page, and cancels one with undo", async () => {
      await page.goto(`${base}/ui/orgs/acme?idle=30#seats`);
      const cancel = page.getByRole("button", { name: /^Cancel .*selected seat/ });
      assert.equal(await cancel.isDisabled(), true, "the cancel button is on with nothing selected");
      const all = page.locator("input.select-all");
      assert.match(await page.locator(".select-all-label").innerText(), /Select the 5 on this page/);
      assert.ok(await all.isVisible(), "no select-all");
      await all.check();
      assert.equal(await cancel.innerText(), "Cancel 5 selected seats…");
      await all.uncheck();
      await page.getByLabel("Select bob").check();
      assert.equal(await cancel.innerText(), "Cancel 1 selected seat…");
      await cancel.click();

      await page.getByText("Cancel this Copilot seat in acme?").waitFor();
      assert.match(await page.locator("#summary").innerText(), /1 seat · 19 USD a month less from 2026-04-01/);
      assert.match(await page.locator("ul.checks.will").innerText(), /bob\s+Bob Baker\s+billed until 2026-04-01, then the seat ends/);
      await page.getByRole("button", { name: "Cancel 1 seat" }).click();

      await page.waitForURL(/\/ui\/orgs\/acme\?.*idle=30/);
      const flash = page.locator("#flash");
      assert.match(await flash.innerText(), /Cancelled the seat of bob\. It stays billed until 2026-04-01, then ends\./);
      assert.match(await seatRow("bob").innerText(), /ends 2026-04-01/);
      assert.equal((await apiSeat(base, "bob")).pending_cancellation_date, "2026-04-01");

      await flash.getByRole("button", { name: "Undo: keep this seat" }).click();
      await page.locator("#flash").filter({ hasText: "Kept the seat of bob: the cancellation is withdrawn." }).waitFor();
      assert.doesNotMatch(await seatRow("bob").innerText(), /ends/);
      assert.equal((await apiSeat(base, "bob")).pending_cancellation_date, null);
    });

    test("cancels across a whole filter, seeing the checks first", async () => {
      await page.goto(`${base}/ui/orgs/acme?idle=30&per_page=25#seats`);
      await page.getByRole("button", { name: "Cancel all 5 seats matching the filter…" }).click();
      await page.getByText("Cancel these 3 Copilot seats in acme?").waitFor();
      assert.match(await page.locator("#summary").innerText(), /3 seats matching the filter · 57 USD a month less from 2026-04-01/);
      assert.deepEqual(await page.locator("ul.checks.will .who").evaluateAll((els) => els.map((e) => e.firstChild.textContent.trim())),
        ["dee", "bob", "eve"]);
      const wont = await page.locator("ul.checks.wont").innerText();
      assert.match(wont, /cid\s+holds the seat through the team Web Team: it cannot be cancelled here/);
      assert.match(wont, /gil\s+already pending cancellation: the seat ends 2099-01-01/);
      assert.doesNotMatch(await page.locator("main").innerText(), /billed until 2027|gil\s+billed/);
      // The checks come before the button.
      const [checksY, buttonY] = await Promise.all([
        page.locator("ul.checks.wont").boundingBox().then((b) => b.y),
        page.getByRole("button", { name: "Cancel 3 seats" }).boundingBox().then((b) => b.y),
      ]);
      assert.ok(checksY < buttonY, "the button comes before the checks");
      await page.getByRole("button", { name: "Cancel 3 seats" }).click();

      await page.locator("#flash").filter({ hasText: "Cancelled the seats of dee, bob and eve. They stay billed until 2026-04-01, then end." }).waitFor();
      for (const login of ["dee", "bob", "eve"]) {
        assert.equal((await apiSeat(base, login)).pending_cancellation_date, "2026-04-01", login);
      }
      assert.equal((await apiSeat(base, "cid")).pending_cancellation_date, null);
      assert.match(await page.locator(".cards").innerText(), /Pending cancellation\s+4\s+76 USD a month/);

      await page.getByRole("button", { name: "Undo: keep these seats" }).click();
      await page.locator("#flash").filter({ hasText: "Kept the seats of dee, bob and eve" }).waitFor();
      for (const login of ["dee", "bob", "eve"]) {
        assert.equal((await apiSeat(base, login)).pending_cancellation_date, null, login);
      }
    });

    test("assigns seats, a typo'd login shown apart before confirming", async () => {
      await page.goto(`${base}/ui/orgs/acme`);
      await page.getByRole("link", { name: "Assign seats…" }).click();
      await page.getByLabel("Or name members").fill("fay, fya");
      await page.getByRole("button", { name: "Assign seats…" }).click();
      await page.getByText("Assign a Copilot seat in acme to this member?").waitFor();
      assert.match(await page.locator("ul.checks.will").innerText(), /fay\s+Fay Fisher\s+gets a seat, billed from this cycle/);
      assert.match(await page.locator("ul.checks.wont").innerText(), /fya\s+not a member of acme \(check the spelling\)/);
      assert.match(await page.locator("#summary").innerText(), /1 seat · 19 USD a month more/);
      await page.getByRole("button", { name: "Assign 1 seat" }).click();
      await page.locator("#flash").filter({ hasText: "Assigned seats to fay." }).waitFor();
      assert.equal((await apiSeat(base, "fay")).assignee.login, "fay");
    });

    test("assigns a team", async () => {
      await page.goto(`${base}/ui/orgs/acme/assign`);
      const grant = page.locator('form[action$="/teams"]');
      assert.equal(await grant.locator("input[name=team][value=web-team]").isDisabled(), true, "a team with seats is offered");
      assert.equal(await page.locator('form[action$="/teams/cancel"] input[name=team][value=design]').count(), 0,
        "a team without seats is offered for cancelling");
      await grant.locator("input[name=team][value=design]").check();
      await page.getByRole("button", { name: "Assign seats to teams…" }).click();
      await page.getByText("Grant Copilot seats in acme to every member of this team?").waitFor();
      assert.match(await page.locator("ul.checks.will").innerText(), /design\s+Design\s+2 members, 2 of them without a seat now/);
      assert.match(await page.locator("#summary").innerText(), /1 team · 38 USD a month more/);
      await page.getByRole("button", { name: "Grant seats to 1 team" }).click();
      await page.locator("#flash").filter({ hasText: "Granted seats to the team Design (2 members)." }).waitFor();
      assert.equal((await apiSeat(base, "hal")).assigning_team.slug, "design");
    });

    test("cancels a team's seats, seeing who keeps one, with undo", async () => {
      // ivy gets a seat of her own beside the one Design gives (through the API).
      const r = await fetch(`${base}/orgs/acme/copilot/billing/selected_users`, {
        method: "POST",
        headers: { Authorization: `Bearer ${ownerToken}`, "Content-Type": "application/json" },
        body: JSON.stringify({ selected_usernames: ["ivy"] }),
      });
      assert.equal(r.status, 201, await r.text());
      await page.goto(`${base}/ui/orgs/acme/assign`);
      const form = page.locator('form[action$="/teams/cancel"]');
      await form.locator("input[name=team][value=design]").check();
      await form.getByRole("button", { name: "Cancel teams' seats…" }).click();
      await page.getByText("Cancel the Copilot seats this team gives in acme?").waitFor();
      assert.match(await page.locator("#summary").innerText(), /1 team · 19 USD a month less from 2026-04-01/);
      const people = await page.locator("ul.checks.people").innerText();
      assert.match(people, /hal\s+loses the seat on 2026-04-01/);
      assert.match(people, /ivy\s+keeps the seat through a seat of their own/);
      await page.getByRole("button", { name: "Cancel the seats of 1 team" }).click();

      await page.locator("#flash").filter({ hasText: "Cancelled the seats of the team Design. 1 seat stays billed until 2026-04-01, then ends; members with another grant keep theirs." }).waitFor();
      assert.equal((await apiSeat(base, "hal")).pending_cancellation_date, "2026-04-01");
      assert.equal((await apiSeat(base, "ivy")).pending_cancellation_date, null);
      await page.getByRole("button", { name: "Undo: keep this seat" }).click();
      await page.locator("#flash").filter({ hasText: "Kept the seats of the team design: the cancellation is withdrawn." }).waitFor();
      assert.equal((await apiSeat(base, "hal")).pending_cancellation_date, null);
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
      assert.deepEqual(csv.slice(1).map((l) => l.split(",")[0]), ["bob", "cid", "dee", "eve", "gil"]);
      assert.match(csv[1], /^bob,2025-12-01T08:00:00Z,.*,109,direct,direct,2025-06-01T09:00:00Z,,19\.00$/);
    });

    test("moves through the page with the keyboard; every control is named", async () => {
      await page.goto(`${base}/ui/orgs/acme`);
      await page.keyboard.press("Tab");
      assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), "Skip to content");
      await page.keyboard.press("Enter");
      assert.equal(await page.evaluate(() => document.activeElement?.id), "main");
      const unnamed = await page.evaluate(() =>
        [...document.querySelectorAll("input:not([type=hidden]), select, textarea, button")]
          .filter((el) => el.checkVisibility() && !(el.labels?.length || el.getAttribute("aria-label") || el.textContent.trim()))
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
}
