// Starting a seatkeeper binary for the end-to-end tests.
import { execFileSync, spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";

// freePort finds a free loopback port.
export function freePort() {
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

// buildSeatkeeper returns SEATKEEPER_BIN, or a binary built from the tree
// at root into dir.
export function buildSeatkeeper(root, dir) {
  if (process.env.SEATKEEPER_BIN) return process.env.SEATKEEPER_BIN;
  const bin = join(dir, "seatkeeper");
  execFileSync("go", ["build", "-o", bin, "./cmd/seatkeeper"], { cwd: root, stdio: "inherit" });
  return bin;
}

// startSeatkeeper runs `bin serve --addr 127.0.0.1:PORT ...args` and waits
// until /readyz answers. It returns the base URL, the log so far, and
// stop().
export async function startSeatkeeper(bin, args) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const proc = spawn(bin, ["serve", "--addr", `127.0.0.1:${port}`, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  proc.stdout.on("data", (d) => { log += d; });
  proc.stderr.on("data", (d) => { log += d; });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`seatkeeper exited (${proc.exitCode}):\n${log}`);
    try {
      if ((await fetch(`${base}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`seatkeeper did not come up:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    log: () => log,
    async stop() {
      if (proc.exitCode !== null) return;
      const exited = new Promise((ok) => proc.once("exit", ok));
      proc.kill("SIGTERM");
      await exited;
    },
  };
}
