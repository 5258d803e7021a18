import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { FAKE_ADMIN_KEY, type FakeAdminApi, startFakeAdminApi } from "../fakes/fake-admin-api.js";
import { FAKE_BOT_TOKEN, type FakeSlackApi, startFakeSlackApi } from "../fakes/fake-slack-api.js";
import { apiRecord } from "../fakes/records.js";
import { SIGNING_SECRET, slashCommand } from "../fakes/slack-requests.js";

/* The real entry point (src/main.ts, what `npm start` runs) as a process of its own. */

let child: ChildProcess | undefined;
let slack: FakeSlackApi | undefined;
let api: FakeAdminApi | undefined;
afterEach(async () => {
  child?.kill("SIGKILL");
  await slack?.close();
  await api?.close();
});

function run(env: Record<string, string>) {
  const proc = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child = proc;
  const lines: string[] = [];
  createInterface({ input: proc.stdout }).on("line", (l) => lines.push(l));
  let stderr = "";
  proc.stderr?.on("data", (d) => {
    stderr += String(d);
  });
  const exited = new Promise<number | null>((resolve) =>
    proc.once("exit", (code) => resolve(code)),
  );
  return { proc, lines, stderr: () => stderr, exited };
}

describe("npm start (src/main.ts)", () => {
  it("names every missing variable and exits with 2", async () => {
    const { exited, stderr } = run({});
    expect(await exited).toBe(2);
    expect(stderr()).toContain("ANTHROPIC_ADMIN_KEY");
    expect(stderr()).toContain("SLACK_BOT_TOKEN");
    expect(stderr()).toContain("SLACK_APP_TOKEN or SLACK_SIGNING_SECRET");
  });

  it("serves /claude-usage in HTTP mode, then stops cleanly on SIGTERM", async () => {
    slack = await startFakeSlackApi({
      users: [{ id: "U1", email: "ada@example.com" }],
      botToken: FAKE_BOT_TOKEN,
    });
    const today = new Date();
    const yesterday = new Date(
      Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - 1),
    )
      .toISOString()
      .slice(0, 10);
    api = await startFakeAdminApi({
      days: {
        [yesterday]: [
          apiRecord({
            email: "ada@example.com",
            sessions: 2,
            models: [["claude-opus-4-1-20250805", 150]],
          }),
        ],
      },
    });
    const { proc, lines, exited } = run({
      DATA_DIR: mkdtempSync(join(tmpdir(), "claude-usage-main-")),
      ANTHROPIC_ADMIN_KEY: FAKE_ADMIN_KEY,
      ANTHROPIC_BASE_URL: api.url,
      SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      PORT: "0",
    });
    let port: number | undefined;
    for (let i = 0; i < 200 && port === undefined; i++) {
      for (const line of lines) {
        if (line.includes("listening")) port = JSON.parse(line).port;
      }
      if (port === undefined) await new Promise((r) => setTimeout(r, 50));
    }
    expect(port).toBeGreaterThan(0);
    await slashCommand(`http://127.0.0.1:${port}/slack/events`, {
      text: "",
      user_id: "U1",
      response_url: slack.responseUrl(),
    });
    // A cold worker thread may take a few seconds: a "still fetching" note may come first.
    let replies = await slack.waitForResponses(1, 10_000);
    if (/^(Still fetching|Fetching)/.test(String(replies[0]?.body.text))) {
      replies = await slack.waitForResponses(2, 10_000);
    }
    const reply = replies.at(-1);
    expect(reply?.body.text).toContain("$1.50 spent");
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: "ok",
      checks: { slack: "ready", store: "ok", lastApiSuccess: expect.any(String), nextDigest: null },
    });
    // Logs are JSON lines, and no secret is in them.
    expect(lines.every((l) => l.startsWith("{"))).toBe(true);
    expect(lines.join("\n")).not.toContain(FAKE_ADMIN_KEY);
    expect(lines.join("\n")).not.toContain(FAKE_BOT_TOKEN);
    proc.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
