// Starts the real server binary (SKILLBOOK_BIN, built by scripts/webapp.sh)
// with `serve --demo` on a free port and a temporary data directory, against
// the auth emulator at FIREBASE_AUTH_EMULATOR_HOST, and stops it after the
// suite. The tests find it at process.env.SKILLBOOK_URL.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default async function globalSetup(): Promise<() => Promise<void>> {
  const bin = process.env.SKILLBOOK_BIN;
  if (!bin) throw new Error("SKILLBOOK_BIN is not set: run the suite with scripts/webapp.sh");
  if (!process.env.FIREBASE_AUTH_EMULATOR_HOST) throw new Error("FIREBASE_AUTH_EMULATOR_HOST is not set: run under the auth emulator (make test)");
  const dir = mkdtempSync(join(tmpdir(), "skillbook-webapp-"));
  const proc = spawn(bin, ["serve", "--demo"], {
    env: { ...process.env, PORT: "0", SKILLBOOK_DATA_DIR: dir, LOG_LEVEL: "warn", NOTIFY_WORKER: "false" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = out.match(/API=(http:\/\/[^\s]+)/);
      if (m) resolve(m[1]);
    };
    proc.stdout.on("data", onData);
    proc.stderr.on("data", onData);
    proc.on("exit", (code) => reject(new Error(`skillbook serve --demo exited ${code}:\n${out}`)));
  });
  process.env.SKILLBOOK_URL = url;
  // Whether the server is still running when the suite ends: a server that
  // died during the suite fails it (the tests' own failures say less).
  let exited = false;
  const gone = new Promise<void>((r) => proc.once("exit", () => ((exited = true), r())));
  return async () => {
    // Waiting for an exit that has already happened would leave nothing for
    // Node to do, and Playwright's runner would end with status 0.
    const diedEarly = exited;
    if (!exited) proc.kill("SIGTERM");
    await gone;
    rmSync(dir, { recursive: true, force: true });
    if (diedEarly) throw new Error(`skillbook serve --demo exited during the suite (${proc.exitCode ?? proc.signalCode}):\n${out.slice(-4000)}`);
  };
}
