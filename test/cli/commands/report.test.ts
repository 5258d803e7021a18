import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RespondFn } from "@slack/bolt";
import { describe, expect, it } from "vitest";
import { apiErrorBody, FAKE_ADMIN_KEY } from "../../../fakes/fake-admin-api.js";
import { FAKE_BOT_TOKEN, startFakeSlackApi } from "../../../fakes/fake-slack-api.js";
import { createAdminClient } from "../../../src/anthropic/client.js";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "../../../src/cli/exit-codes.js";
import { runCli } from "../../../src/cli/run.js";
import { createUsageLoader } from "../../../src/loading/usage-loader.js";
import { createLogger } from "../../../src/log.js";
import { createReports } from "../../../src/reports/index.js";
import { answerSlashCommand } from "../../../src/slack/commands/claude-usage.js";
import { fakeApiPerTest, OPUS, REPORT_DAYS, runCliCaptured, SONNET } from "../../support/cli.js";

const now = new Date("2026-11-25T10:00:00Z");
const fake = fakeApiPerTest();
function recorder(): { said: Record<string, unknown>[]; respond: RespondFn } {
  const said: Record<string, unknown>[] = [];
  const respond = async (message: unknown) => {
    said.push(message as Record<string, unknown>);
  };
  return { said, respond: respond as unknown as RespondFn };
}

const cli = (argv: string[], env: NodeJS.ProcessEnv = {}) => runCliCaptured(argv, env, now);

describe("claude-usage report", () => {
  it("--format json prints exactly the report and nothing else", async () => {
    const { code, stdout, stderr } = await cli(
      ["report", "yesterday", "--format", "json"],
      await fake.env(),
    );
    expect(code).toBe(EXIT_OK);
    expect(stderr).toBe("");
    const json = JSON.parse(stdout);
    expect(json.period).toMatchObject({ from: "2026-11-24", to: "2026-11-24", days: 1 });
    expect(json.totals).toMatchObject({
      cost_cents: 1488.61,
      sessions: 6,
      lines_added: 422,
      lines_removed: 97,
      commits: 5,
      pull_requests: 1,
      active_users: 1,
      tokens: { input: 48310, output: 12927, cache_read: 0, cache_creation: 0 },
      tool_accepted: 31,
      tool_rejected: 3,
    });
    expect(
      json.users.map((u: { actor: string; actor_type: string; cost_cents: number }) => [
        u.actor,
        u.actor_type,
        u.cost_cents,
      ]),
    ).toEqual([
      ["deploy-bot", "api_key", 1000],
      ["ada@example.com", "user", 488.61],
    ]);
    expect(
      json.models.map((m: { model: string; cost_cents: number }) => [m.model, m.cost_cents]),
    ).toEqual([
      [OPUS, 1100.2],
      [SONNET, 388.41],
    ]);
    expect(json.previous.totals.cost_cents).toBe(244.3);
  });

  it("accepts a multi-word period without quotes", async () => {
    const { code, stdout } = await cli(
      ["report", "last", "7", "days", "--format", "json", "--no-compare"],
      await fake.env(),
    );
    expect(code).toBe(EXIT_OK);
    const json = JSON.parse(stdout);
    expect(json.period).toMatchObject({ from: "2026-11-18", to: "2026-11-24", days: 7 });
    expect(json.previous).toBeNull();
    expect(fake.api?.requestCount).toBe(7);
  });

  it("--format csv prints one row per actor", async () => {
    const { code, stdout } = await cli(["report", "--format", "csv"], await fake.env());
    expect(code).toBe(EXIT_OK);
    const rows = stdout.trimEnd().split("\r\n");
    expect(rows).toHaveLength(3);
    expect(rows[1]).toMatch(/^deploy-bot,api_key,deploy-bot,10\.0000,1000,/);
  });

  it("-f is --format", async () => {
    const { code, stdout } = await cli(["report", "-f", "csv"], await fake.env());
    expect(code).toBe(EXIT_OK);
    expect(stdout.trimEnd().split("\r\n")).toHaveLength(3);
  });

  it("--format blocks prints the Slack message: fallback text and Block Kit blocks", async () => {
    const { code, stdout } = await cli(["report", "--format", "blocks"], await fake.env());
    expect(code).toBe(EXIT_OK);
    const message = JSON.parse(stdout);
    expect(message.text).toBe(
      "Claude Code on Tue 24 Nov: $14.89 spent, ▲ 509% vs Tue 17 Nov — one API key drove it: deploy-bot, $10 (67%). Everyone else: $4.89, ▲ 100%.",
    );
    expect(message.blocks[0]).toMatchObject({
      type: "header",
      text: { text: "Claude Code · Tue 24 Nov" },
    });
  });

  it("--format blocks is exactly what the slash command answers for the same period", async () => {
    const env = await fake.env();
    const { code, stdout } = await cli(["report", "last", "2", "days", "--format", "blocks"], env);
    expect(code).toBe(EXIT_OK);
    const client = createAdminClient({
      adminKey: FAKE_ADMIN_KEY,
      baseUrl: String(env.ANTHROPIC_BASE_URL),
    });
    const loader = createUsageLoader({ source: client, now: () => now });
    const { said, respond } = recorder();
    await answerSlashCommand({
      periods: { timeZone: "UTC", maxPeriodDays: 92 },
      reports: createReports({ loader, now: () => now }),
      directory: {
        lookupByEmail: async () => null,
        findByEmail: async () => null,
        emailOf: async () => null,
        nameOf: async () => null,
        timeZoneOf: async () => null,
      },
      access: { restricted: false, isAdmin: async () => false, canSeeOrg: async () => true },
      logger: createLogger({ sink: { write: () => undefined } }),
      now: () => now,
      stillFetchingAfterMs: 60_000,
    })({ command: { text: "last 2 days", user_id: "U1" } as never, respond });
    await client.close();
    const { response_type: _ephemeral, ...reply } = said[0] ?? {};
    expect(JSON.parse(stdout)).toEqual(reply);
    expect(stdout).toContain("Share in channel");
  });

  it("--format blocks with --no-compare is a usage error: the bot always compares", async () => {
    const { code, stderr } = await cli(
      ["report", "--format", "blocks", "--no-compare"],
      await fake.env(),
    );
    expect(code).toBe(EXIT_USAGE);
    expect(stderr).toContain("--no-compare does not apply to --format blocks");
  });

  it("text is the default format", async () => {
    const { code, stdout } = await cli(["report", "yesterday", "--top", "1"], await fake.env());
    expect(code).toBe(EXIT_OK);
    expect(stdout).toContain("Claude Code usage · yesterday · Tue 24 Nov");
    expect(stdout).toContain("…and 1 more");
  });

  it("with SLACK_BOT_TOKEN, the text names people as Slack does; without it, by email", async () => {
    const slack = await startFakeSlackApi({
      users: [{ id: "UADA", email: "ada@example.com", name: "Ada Lovelace" }],
    });
    try {
      const env = await fake.env();
      const named = await runCliCaptured(
        ["report", "last 3 days"],
        { ...env, SLACK_BOT_TOKEN: FAKE_BOT_TOKEN, SLACK_API_URL: slack.apiUrl },
        now,
      );
      expect(named.code).toBe(EXIT_OK);
      expect(named.stdout).toContain("Ada Lovelace");
      expect(named.stdout).not.toContain("ada@example.com");
      const plain = await runCliCaptured(["report", "last 3 days"], env, now);
      expect(plain.stdout).toContain("ada@example.com");
    } finally {
      await slack.close();
    }
  });

  it("keeps days in the store: a second run asks the API nothing; --no-cache asks again", async () => {
    const env = { ...(await fake.env()), DATA_DIR: mkdtempSync(join(tmpdir(), "cli-store-")) };
    try {
      const first = await runCliCaptured(["report", "last 3 days", "--format", "json"], env, now);
      expect(first.code).toBe(EXIT_OK);
      const asked = fake.api?.requestCount ?? 0;
      expect(asked).toBe(6);
      const second = await runCliCaptured(["report", "last 3 days", "--format", "json"], env, now);
      expect(second.stdout.replace(/"generated_at": "[^"]+"/, "")).toBe(
        first.stdout.replace(/"generated_at": "[^"]+"/, ""),
      );
      expect(fake.api?.requestCount).toBe(asked);
      await runCliCaptured(["report", "last 3 days", "--format", "json", "--no-cache"], env, now);
      expect(fake.api?.requestCount).toBe(asked + 6);
    } finally {
      rmSync(env.DATA_DIR, { recursive: true, force: true });
    }
  });

  it("a store that cannot be opened is said once on stderr; the report still comes", async () => {
    const env = { ...(await fake.env()), DATA_DIR: "/proc/version/not-a-dir" };
    const { code, stdout, stderr } = await runCliCaptured(
      ["report", "last 3 days", "--format", "json"],
      env,
      now,
    );
    expect(code).toBe(EXIT_OK);
    expect(() => JSON.parse(stdout)).not.toThrow();
    expect(stderr).toContain("going on without it");
  });

  it("shows progress on a terminal's stderr, and clears it before the report", async () => {
    const env = await fake.env();
    let stderr = "";
    let stdout = "";
    const code = await runCli(["report", "last 3 days", "--format", "json", "--no-cache"], {
      env,
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
      now: () => now,
      progress: true,
    });
    expect(code).toBe(EXIT_OK);
    expect(stderr).toContain("Fetching usage: 6/6 days");
    expect(stderr.endsWith("\r\x1b[K")).toBe(true);
    expect(() => JSON.parse(stdout)).not.toThrow();
  });

  it("--demo works without any key", async () => {
    const { code, stdout } = await cli(["report", "last week", "--demo", "--format", "json"]);
    expect(code).toBe(EXIT_OK);
    const json = JSON.parse(stdout);
    expect(json.totals.active_users).toBeGreaterThan(10);
    expect(json.totals.cost_cents).toBeGreaterThan(0);
  });
});

describe("claude-usage report: errors", () => {
  it("a missing admin key names the variable (exit 2)", async () => {
    const { code, stdout, stderr } = await cli(["report", "yesterday"]);
    expect(code).toBe(EXIT_USAGE);
    expect(stdout).toBe("");
    expect(stderr).toContain("ANTHROPIC_ADMIN_KEY: is not set");
  });

  it("an invalid variable is named, and its value is not echoed", async () => {
    const { code, stderr } = await cli(["report"], {
      ANTHROPIC_ADMIN_KEY: FAKE_ADMIN_KEY,
      REPORT_TIMEZONE: "Mars/Olympus",
      FETCH_CONCURRENCY: "0",
    });
    expect(code).toBe(EXIT_USAGE);
    expect(stderr).toContain("REPORT_TIMEZONE: must be an IANA time zone");
    expect(stderr).toContain("FETCH_CONCURRENCY");
    expect(stderr).not.toContain(FAKE_ADMIN_KEY);
  });

  it("a bad period shows the accepted forms (exit 2) without calling the API", async () => {
    const env = await fake.env();
    const { code, stderr } = await cli(["report", "last", "fortnight"], env);
    expect(code).toBe(EXIT_USAGE);
    expect(stderr).toContain(`I don't understand the period "last fortnight"`);
    expect(stderr).toContain("Accepted periods:");
    expect(stderr).toContain("2026-11-01..2026-11-07");
    expect(fake.api?.requestCount).toBe(0);
  });

  it("a rejected key says so (exit 1) and never prints the key", async () => {
    const env = await fake.env({
      days: REPORT_DAYS,
      fault: () => ({
        status: 401,
        body: apiErrorBody("authentication_error", "invalid x-api-key"),
      }),
    });
    const { code, stdout, stderr } = await cli(["report"], env);
    expect(code).toBe(EXIT_FAILURE);
    expect(stdout).toBe("");
    expect(stderr).toContain("couldn't read usage: the Anthropic admin key was rejected (401)");
    expect(stderr).not.toContain(FAKE_ADMIN_KEY);
  });

  it("an unreachable API says so (exit 1)", async () => {
    const env = await fake.env();
    await fake.api?.close();
    const { code, stderr } = await cli(["report"], { ...env, API_MAX_ATTEMPTS: "1" });
    expect(code).toBe(EXIT_FAILURE);
    expect(stderr).toContain("could not be reached");
  });

  it.each([
    [["report", "--format", "xml"], /--format must be one of text, json, csv, blocks, not "xml"/],
    [["report", "--top", "0"], /--top must be a whole number from 1 to 1000, not "0"/],
    [["report", "--top", "ten"], /--top must be a whole number/],
    [["report", "--bogus"], /Unknown option '--bogus'/],
    [["report", "--top"], /Option '--top <value>' argument missing/],
    [["report", "--demo=yes"], /--demo/],
  ])("bad usage %j exits 2 with the usage, before reading any setting", async (argv, message) => {
    // No admin key: a usage error is told before the configuration is read.
    const { code, stdout, stderr } = await cli(argv);
    expect(code).toBe(EXIT_USAGE);
    expect(stdout).toBe("");
    expect(stderr).toMatch(message);
    expect(stderr).toContain("Usage:");
    expect(stderr).not.toContain("ANTHROPIC_ADMIN_KEY: is not set");
  });

  it("--help prints its own help (exit 0) and checks nothing else", async () => {
    const { code, stdout, stderr } = await cli(["report", "--format", "xml", "--help"]);
    expect(code).toBe(EXIT_OK);
    expect(stderr).toBe("");
    expect(stdout).toMatch(/^Usage: claude-usage report \[period\]/);
    expect(stdout).toContain("Periods:");
  });
});
