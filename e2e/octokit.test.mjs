// octokit in a browser, cross-origin: a page served from one origin runs
// @octokit/core (npm's, unbundled, loaded through an import map) against a
// seatkeeper on another origin, in Debian's headless Chromium. Every
// request with a token or a JSON body is preflighted; the page can read
// only the headers seatkeeper exposes.
//
//   cd e2e && npm ci && npm test
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { launch } from "./browser.mjs";
import { buildSeatkeeper, freePort, startSeatkeeper } from "./serve.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules");
const ownerToken = "ghp_e2eAnnOwnerManageBillingToken0001";

const work = mkdtempSync(join(tmpdir(), "seatkeeper-octokit-"));
let seatkeeper;
let pages; // the page's origin: another port, so another origin
let pagesURL;
let browser;
let page;

// importMap maps every installed package to its ES module entry point.
function importMap() {
  const imports = {};
  const add = (name) => {
    const pkg = JSON.parse(readFileSync(join(modules, name, "package.json"), "utf8"));
    const x = pkg.exports;
    const entry = (typeof x === "string" ? x : x?.["."]?.import ?? x?.["."]?.default ?? x?.import) ?? pkg.module ?? pkg.main;
    if (entry && entry.endsWith(".js")) imports[name] = `/m/${name}/${entry.replace(/^\.\//, "")}`;
  };
  for (const d of readdirSync(modules)) {
    if (d.startsWith(".")) continue;
    if (d.startsWith("@")) readdirSync(join(modules, d)).forEach((s) => add(`${d}/${s}`));
    else if (existsSync(join(modules, d, "package.json"))) add(d);
  }
  return { imports };
}

const html = () => `<!doctype html>
<meta charset="utf-8"><title>octokit</title>
<script type="importmap">${JSON.stringify(importMap())}</script>
<script type="module">
import { Octokit } from "@octokit/core";
window.Octokit = Octokit;
</script>`;

before(async () => {
  const bin = buildSeatkeeper(resolve(here, ".."), work);
  seatkeeper = await startSeatkeeper(bin, ["--seed", join(here, "seed.yaml"), "--database", join(work, "octokit.db")]);
  pages = createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    if (url.pathname === "/") {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      return res.end(html());
    }
    const file = normalize(join(modules, url.pathname.replace(/^\/m\//, "")));
    if (!url.pathname.startsWith("/m/") || !file.startsWith(modules + "/") || !file.endsWith(".js") || !existsSync(file)) {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { "Content-Type": "text/javascript; charset=utf-8" });
    res.end(readFileSync(file));
  });
  const port = await freePort();
  await new Promise((ok) => pages.listen(port, "127.0.0.1", ok));
  pagesURL = `http://localhost:${port}/`; // another host and port than seatkeeper's 127.0.0.1

  browser = await launch();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.setDefaultTimeout(10_000);
  await page.goto(pagesURL);
  await page.waitForFunction(() => window.Octokit !== undefined);
});

after(async () => {
  await browser?.close();
  pages?.close();
  await seatkeeper?.stop();
  rmSync(work, { recursive: true, force: true });
});

// run evaluates fn(octokit) in the page and returns what it returns, or
// the error octokit threw as {status, message}.
async function run(fn) {
  return page.evaluate(async ({ base, token, src }) => {
    const octokit = new window.Octokit({ auth: token, baseUrl: base });
    try {
      return await (0, eval)(`(${src})`)(octokit);
    } catch (e) {
      return { error: true, status: e.status, message: e.response?.data?.message ?? String(e) };
    }
  }, { base: seatkeeper.base, token: ownerToken, src: fn.toString() });
}

test("octokit reads a page of seats, with the headers it needs", async () => {
  const r = await run(async (o) => {
    const res = await o.request("GET /orgs/{org}/copilot/billing/seats", { org: "acme", per_page: 2 });
    return {
      status: res.status, total: res.data.total_seats, logins: res.data.seats.map((s) => s.assignee.login),
      link: res.headers.link, remaining: res.headers["x-ratelimit-remaining"], requestID: res.headers["x-github-request-id"],
      etag: res.headers.etag,
    };
  });
  assert.equal(r.status, 200, JSON.stringify(r));
  assert.equal(r.total, 6); // seed.yaml: ann, bob, cid (team), dee, eve, gil (pending)
  assert.equal(r.logins.length, 2);
  assert.match(r.link ?? "", new RegExp(`^<${seatkeeper.base}/orgs/acme/copilot/billing/seats\\?page=2&per_page=2>; rel="next"`));
  assert.match(r.remaining ?? "", /^\d+$/, "X-RateLimit-Remaining is not exposed");
  assert.match(r.requestID ?? "", /^[0-9A-F]+(:[0-9A-F]+)+$/, "X-GitHub-Request-Id is not exposed");
  assert.match(r.etag ?? "", /^W\//, "ETag is not exposed");
});

test("octokit adds and cancels a seat (preflighted writes)", async () => {
  const added = await run(async (o) => {
    const res = await o.request("POST /orgs/{org}/copilot/billing/selected_users", { org: "acme", selected_usernames: ["fay"] });
    return { status: res.status, data: res.data };
  });
  assert.deepEqual(added, { status: 201, data: { seats_created: 1 } });
  const cancelled = await run(async (o) => {
    const res = await o.request("DELETE /orgs/{org}/copilot/billing/selected_users", { org: "acme", selected_usernames: ["fay"] });
    return { status: res.status, data: res.data };
  });
  assert.deepEqual(cancelled, { status: 200, data: { seats_cancelled: 1 } });
});

test("octokit sees GitHub's errors", async () => {
  const r = await run((o) => o.request("GET /orgs/{org}", { org: "no-such-org" }));
  assert.deepEqual(r, { error: true, status: 404, message: "Not Found" });
});

test("octokit asks GraphQL who it is", async () => {
  const r = await run((o) => o.graphql("query { viewer { login organizations(first: 5) { nodes { login } } } }"));
  assert.deepEqual(r, { viewer: { login: "ann", organizations: { nodes: [{ login: "acme" }] } } });
});
