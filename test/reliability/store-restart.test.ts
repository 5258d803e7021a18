import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import {
  FAKE_ADMIN_KEY,
  type FakeAdminApi,
  startFakeAdminApi,
} from "../../fakes/fake-admin-api.js";
import {
  FAKE_BOT_TOKEN,
  type FakeSlackApi,
  startFakeSlackApi,
} from "../../fakes/fake-slack-api.js";
import { apiRecord } from "../../fakes/records.js";
import { SIGNING_SECRET, slashCommand } from "../../fakes/slack-requests.js";
import { readBlocks } from "../support/read-blocks.js";
import {
  freePort,
  postgresSkipReason,
  startThrowawayPostgres,
} from "../support/throwaway-postgres.js";

/*
 * The store going away under whole processes: the Slack app (src/main.ts) while its PostgreSQL
 * is stopped and started again, and `digest run` when the store cannot be reached at all.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const OPUS = "claude-opus-4-1-20250805";

async function fakes(): Promise<{ api: FakeAdminApi; slack: FakeSlackApi }> {
  const api = await startFakeAdminApi({
    days: {
      [yesterday]: [apiRecord({ email: "ada@example.com", sessions: 2, models: [[OPUS, 150]] })],
    },
  });
  const slack = await startFakeSlackApi({
    users: [{ id: "UADA", email: "ada@example.com" }],
    botToken: FAKE_BOT_TOKEN,
  });
  cleanups.push(
    () => api.close(),
    () => slack.close(),
  );
  return { api, slack };
}

function spawnTsx(entry: string, args: string[], env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", entry, ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  if (child.stdout) createInterface({ input: child.stdout }).on("line", (l) => lines.push(l));
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += String(d);
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  cleanups.push(() => void child.kill("SIGKILL"));
  return { child, lines, stderr: () => stderr, exited };
}

/** Poll until `probe` gives a value; fail at once, with its stderr, if `process` exits. */
async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  process?: { child: ChildProcess; stderr(): string },
) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (process && process.child.exitCode !== null) {
      throw new Error(
        `the process exited (${process.child.exitCode}) while waiting for ${what}:\n${process.stderr()}`,
      );
    }
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const skip = postgresSkipReason();
if (skip) console.warn(`store-restart: the PostgreSQL restart test is skipped: ${skip}`);

describe("the Slack app while its PostgreSQL restarts", () => {
  it.skipIf(skip !== undefined)(
    "stays up: /healthz 503 while the store is gone and 200 after, commands answered throughout",
    async () => {
      const pg = await startThrowawayPostgres();
      cleanups.push(() => pg.remove());
      const { api, slack } = await fakes();
      const app = spawnTsx("src/main.ts", [], {
        DATABASE_URL: pg.url,
        ANTHROPIC_ADMIN_KEY: FAKE_ADMIN_KEY,
        ANTHROPIC_BASE_URL: api.url,
        SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
        PORT: "0",
        API_MAX_ATTEMPTS: "1",
      });
      const port = await until(
        "the app to listen",
        () => {
          const line = app.lines.find((l) => l.includes("Slack app listening"));
          return line ? (JSON.parse(line) as { port: number }).port : undefined;
        },
        app,
      );
      const base = `http://127.0.0.1:${port}`;
      const health = async () => {
        const response = await fetch(`${base}/healthz`);
        return {
          status: response.status,
          body: (await response.json()) as Record<string, unknown>,
        };
      };
      const ask = async (text: string, user = "UADA") => {
        const before = slack.responses.length;
        await slashCommand(`${base}/slack/events`, {
          text,
          user_id: user,
          response_url: slack.responseUrl(),
        });
        const replies = await slack.waitForResponses(before + 1, 10_000);
        return replies[before]?.body ?? {};
      };

      // The store in use: the report's days, Ada's Slack id and the health check each borrowed
      // pooled connections, which now sit idle.
      expect((await ask("")).text).toContain("$1.50 spent");
      expect((await health()).status).toBe(200);

      await pg.stop();
      // The pool's idle connections are terminated: that used to be an unhandled 'error' event.
      await until(
        "the lost connections to be logged",
        () => (app.lines.some((l) => l.includes("store connection lost")) ? true : undefined),
        app,
      );
      await new Promise((r) => setTimeout(r, 200));
      expect(app.child.exitCode).toBeNull();
      const down = await health();
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ status: "unavailable", checks: { store: "unreachable" } });

      // Reports still answer, from the API (the day cache and the user cache are skipped).
      const report = await ask("last 7 days");
      expect(report.text).toContain("$1.50 spent");
      expect(readBlocks(report.blocks)).toContain("<@UADA>");
      // A DM preference cannot be saved: said so plainly.
      const dm = await ask("dm off");
      expect(dm.text).toContain("my database is not answering right now");
      expect(dm.text).not.toContain("something went wrong");

      await pg.start();
      const up = await until(
        "/healthz to answer 200 again",
        async () => {
          const h = await health();
          return h.status === 200 ? h : undefined;
        },
        app,
      );
      expect(up.body).toMatchObject({ status: "ok", checks: { store: "ok" } });
      expect((await ask("dm off")).text).toContain("no more daily DMs");
      expect(app.child.exitCode).toBeNull();
      expect(app.stderr()).not.toContain("Unhandled");

      app.child.kill("SIGTERM");
      expect(await app.exited).toBe(0);
    },
    60_000,
  );
});

describe("when the store cannot be reached at all", () => {
  it("`digest run` exits with 1 and one line naming the store, without its password", async () => {
    const { api, slack } = await fakes();
    const port = await freePort();
    const cli = spawnTsx("src/cli.ts", ["digest", "run"], {
      DATABASE_URL: `postgres://usage:hunter2-secret@127.0.0.1:${port}/usage`,
      ANTHROPIC_ADMIN_KEY: FAKE_ADMIN_KEY,
      ANTHROPIC_BASE_URL: api.url,
      SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
      SLACK_API_URL: slack.apiUrl,
      DIGEST_CHANNELS: "C1",
    });
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toBe(
      `claude-usage: the store (postgres://127.0.0.1:${port}/usage) cannot be reached: connection refused (is PostgreSQL running and listening there?)\n`,
    );
    expect(cli.lines.join("\n")).not.toContain("hunter2");
    expect(slack.messages).toEqual([]);
  }, 30_000);

  it("the app does not start: exit 1, one log line naming the store, without its password", async () => {
    const { api, slack } = await fakes();
    const port = await freePort();
    const app = spawnTsx("src/main.ts", [], {
      DATABASE_URL: `postgres://usage:hunter2-secret@127.0.0.1:${port}/usage`,
      ANTHROPIC_ADMIN_KEY: FAKE_ADMIN_KEY,
      ANTHROPIC_BASE_URL: api.url,
      SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      PORT: "0",
    });
    expect(await app.exited).toBe(1);
    // One line on stderr, as for a configuration error; nothing else.
    expect(app.lines).toHaveLength(0);
    expect(app.stderr()).toBe(
      `claude-usage: cannot start: the store (postgres://127.0.0.1:${port}/usage) cannot be reached: connection refused (is PostgreSQL running and listening there?)\n`,
    );
    expect(app.stderr()).not.toContain("hunter2");
    expect(app.lines.join("\n")).not.toContain("hunter2");
  }, 30_000);
});
