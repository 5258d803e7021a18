import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EXIT_OK, EXIT_USAGE } from "../../src/cli/run.js";
import { createLogger } from "../../src/log.js";
import { startScheduler } from "../../src/schedule/scheduler.js";
import { runCliCaptured } from "../support/cli.js";
import { FAKE_ADMIN_KEY, type FakeAdminApi, startFakeAdminApi } from "../support/fake-admin-api.js";
import { FAKE_BOT_TOKEN, type FakeSlackApi, startFakeSlackApi } from "../support/fake-slack-api.js";
import { apiRecord } from "../support/records.js";
import { morningScheduler } from "../support/scheduler.js";

let slack: FakeSlackApi | undefined;
let api: FakeAdminApi | undefined;
let dir: string | undefined;
afterEach(async () => {
  await slack?.close();
  await api?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const cli = (argv: string[], env: NodeJS.ProcessEnv) =>
  runCliCaptured(argv, env, new Date("2026-11-25T09:00:00Z"));

describe("claude-usage digest run", () => {
  it("posts the digest and DMs, and a second run posts nothing again", async () => {
    dir = mkdtempSync(join(tmpdir(), "claude-usage-cli-"));
    slack = await startFakeSlackApi({
      users: [{ id: "UADA", email: "ada@example.com" }],
      botToken: FAKE_BOT_TOKEN,
    });
    api = await startFakeAdminApi({
      days: {
        "2026-11-24": [
          apiRecord({
            email: "ada@example.com",
            sessions: 3,
            models: [["claude-opus-4-1-20250805", 250]],
          }),
        ],
      },
    });
    const env = {
      ANTHROPIC_ADMIN_KEY: FAKE_ADMIN_KEY,
      ANTHROPIC_BASE_URL: api.url,
      SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
      SLACK_API_URL: slack.apiUrl,
      DATA_DIR: dir,
      DIGEST_CHANNELS: "C1",
      DM_SUMMARIES: "all",
    };
    const first = await cli(["digest", "run"], env);
    expect(first.code).toBe(EXIT_OK);
    expect(first.stdout).toContain("Digest for 2026-11-25");
    expect(first.stdout).toContain("posted 2 · already delivered 0");
    const second = await cli(["digest", "run"], env);
    expect(second.stdout).toContain("posted 0 · already delivered 2");
    expect(slack.messages.map((m) => m.channel).sort()).toEqual(["C1", "DADA"]);
    expect(first.stdout + first.stderr + second.stdout + second.stderr).not.toContain(
      FAKE_BOT_TOKEN,
    );
  });

  it("a dry run with ALERT_CHANNEL also says which alerts it would post", async () => {
    dir = mkdtempSync(join(tmpdir(), "claude-usage-cli-"));
    const { code, stdout } = await cli(
      ["digest", "run", "--demo", "--dry-run", "--date", "2026-11-25"],
      {
        DATA_DIR: dir,
        ALERT_CHANNEL: "CALERTS",
        BUDGET_MONTHLY_USD: "2000",
      },
    );
    expect(code).toBe(EXIT_OK);
    expect(stdout).toContain("Alerts to CALERTS");
    expect(stdout).toMatch(/would post: Claude Code budget: \d+% of \$2,000\.00 used \(2026-11\)/);
  });

  it("needs SLACK_BOT_TOKEN unless it is a dry run; checks --date", async () => {
    dir = mkdtempSync(join(tmpdir(), "claude-usage-cli-"));
    const noToken = await cli(["digest", "run", "--demo"], { DATA_DIR: dir });
    expect(noToken.code).toBe(EXIT_USAGE);
    expect(noToken.stderr).toContain("SLACK_BOT_TOKEN");
    const badDate = await cli(["digest", "run", "--date", "25/11/2026"], { DATA_DIR: dir });
    expect(badDate.code).toBe(EXIT_USAGE);
    expect(badDate.stderr).toContain("--date must be YYYY-MM-DD");
    expect((await cli(["digest"], {})).stderr).toContain('did you mean "digest run"');
  });
});

describe("startScheduler", () => {
  const logger = createLogger({ sink: { write: () => undefined } });

  it("catches up once at start when today's time has passed", async () => {
    const runs: string[] = [];
    const scheduler = startScheduler({
      cron: "0 9 * * 1-5",
      timeZone: "Europe/Berlin",
      catchUp: true,
      logger,
      now: () => new Date("2026-11-25T10:30:00Z"),
      run: async (date) => {
        runs.push(date);
        return undefined;
      },
    });
    await scheduler.caughtUp;
    expect(runs).toEqual(["2026-11-25"]);
    expect(scheduler.nextRun()?.toISOString()).toBe("2026-11-26T08:00:00.000Z");
    await scheduler.stop();
  });

  it("does not catch up before today's time, nor when catch-up is off", async () => {
    const runs: string[] = [];
    for (const [now, catchUp] of [
      ["2026-11-25T07:00:00Z", true],
      ["2026-11-25T10:30:00Z", false],
    ] as const) {
      const scheduler = startScheduler({
        cron: "0 9 * * 1-5",
        timeZone: "Europe/Berlin",
        catchUp,
        logger,
        now: () => new Date(now),
        run: async (date) => {
          runs.push(date);
          return undefined;
        },
      });
      await scheduler.caughtUp;
      await scheduler.stop();
    }
    expect(runs).toEqual([]);
  });
});

describe("startScheduler retries", () => {
  it("runs the same date again while deliveries fail, up to a limit", async () => {
    const runs: string[] = [];
    const scheduler = morningScheduler({
      retryDelayMs: 5,
      maxRetries: 2,
      run: async (date) => {
        runs.push(date);
        return { failed: 1, busy: 0 };
      },
    });
    await scheduler.caughtUp;
    await new Promise((r) => setTimeout(r, 150));
    expect(runs).toEqual(["2026-11-25", "2026-11-25", "2026-11-25"]);
    await scheduler.stop();
  });

  it("stops retrying once everything is delivered", async () => {
    let failures = 1;
    const runs: string[] = [];
    const scheduler = morningScheduler({
      retryDelayMs: 5,
      run: async (date) => {
        runs.push(date);
        return { failed: failures--, busy: 0 };
      },
    });
    await scheduler.caughtUp;
    await new Promise((r) => setTimeout(r, 150));
    expect(runs).toHaveLength(2);
    await scheduler.stop();
  });
});

describe("startScheduler stop", () => {
  it("waits for a run in progress, and starts no new one", async () => {
    const events: string[] = [];
    const scheduler = morningScheduler({
      retryDelayMs: 1,
      run: async () => {
        events.push("start");
        await new Promise((r) => setTimeout(r, 50));
        events.push("end");
        return { failed: 1, busy: 0 }; // would retry, but the scheduler is stopping
      },
    });
    await scheduler.stop();
    events.push("stopped");
    await new Promise((r) => setTimeout(r, 30));
    expect(events).toEqual(["start", "end", "stopped"]);
  });
});
