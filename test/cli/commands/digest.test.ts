import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import {
  FAKE_ADMIN_KEY,
  type FakeAdminApi,
  startFakeAdminApi,
} from "../../../fakes/fake-admin-api.js";
import {
  FAKE_BOT_TOKEN,
  type FakeSlackApi,
  startFakeSlackApi,
} from "../../../fakes/fake-slack-api.js";
import { apiRecord } from "../../../fakes/records.js";
import { EXIT_OK, EXIT_USAGE } from "../../../src/cli/exit-codes.js";
import { runCliCaptured } from "../../support/cli.js";

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
    // A dry run first: it shows the configured channel's digest and seeds nothing (a dry run
    // changes nothing); the real run then seeds DIGEST_CHANNELS and posts.
    const dry = await cli(["digest", "run", "--dry-run"], env);
    expect(dry.stdout).toContain("would post to C1: Claude Code on Tue 24 Nov");
    const subscriptions = () => {
      const db = new Database(join(dir ?? "", "claude-usage.sqlite"), { readonly: true });
      const rows = db.prepare("select channel, cadence from subscriptions").all();
      db.close();
      return rows;
    };
    expect(subscriptions()).toEqual([]);
    const first = await cli(["digest", "run"], env);
    expect(first.code).toBe(EXIT_OK);
    expect(first.stdout).toContain("Digest for 2026-11-25");
    expect(first.stdout).toContain("posted 2 · already delivered 0");
    const second = await cli(["digest", "run"], env);
    expect(second.stdout).toContain("posted 0 · already delivered 2");
    expect(subscriptions()).toContainEqual({ channel: "C1", cadence: "daily" });
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
    // One roll-up, its notification line saying where the budget stands.
    expect(stdout).toMatch(
      /would post: Claude Code alerts: (over budget|\d+% of the budget|budget on track|on pace to go over budget)/,
    );
  });

  it("--dry-run --preview DIR writes each message's post body, named by its key, and claims nothing", async () => {
    dir = mkdtempSync(join(tmpdir(), "claude-usage-cli-"));
    const preview = join(dir, "preview");
    const env = { DATA_DIR: dir, DIGEST_CHANNELS: "C1", DM_SUMMARIES: "all" };
    const argv = ["digest", "run", "--demo", "--dry-run", "--date", "2026-11-25"];
    const { code, stdout } = await cli([...argv, "--preview", preview], env);
    expect(code).toBe(EXIT_OK);
    const files = readdirSync(preview).sort();
    expect(stdout).toContain(`Wrote ${files.length} messages to ${preview}`);
    expect(files).toContain("digest-daily_C1_2026-11-24..2026-11-24.json");
    const dms = files.filter((f) => /^dm_[^_]+@example\.com_2026-11-24\.json$/.test(f));
    expect(dms.length).toBeGreaterThan(1);
    expect(files).toHaveLength(dms.length + 1);
    const digest = JSON.parse(readFileSync(join(preview, files[0] ?? ""), "utf8"));
    expect(digest).toMatchObject({
      channel: "C1",
      text: expect.stringMatching(/^Claude Code on Tue 24 Nov: /),
      metadata: { event_payload: { key: "digest-daily:C1:2026-11-24..2026-11-24" } },
    });
    expect(digest.blocks[0]).toMatchObject({ type: "header" });
    // What people can click is previewed too: the digest's buttons, and each DM's.
    expect(digest.blocks.at(-1)).toMatchObject({ type: "actions", block_id: "digest_actions" });
    const dm = JSON.parse(readFileSync(join(preview, dms[0] ?? ""), "utf8"));
    expect(dm.blocks.at(-1)).toMatchObject({ type: "actions", block_id: "dm_actions" });
    // The ledger is left as it was: a real run afterwards would post every one of them.
    const db = new Database(join(dir, "claude-usage.sqlite"), { readonly: true });
    expect(db.prepare("select count(*) as n from deliveries").get()).toEqual({ n: 0 });
    db.close();
    // --format blocks prints the same bodies.
    const printed = await cli([...argv, "--format", "blocks"], env);
    const bodies = JSON.parse(printed.stdout);
    expect(bodies).toHaveLength(files.length);
    expect(bodies).toContainEqual(digest);
  });

  it("--preview and --format blocks need --dry-run", async () => {
    dir = mkdtempSync(join(tmpdir(), "claude-usage-cli-"));
    for (const extra of [
      ["--preview", dir],
      ["--format", "blocks"],
    ]) {
      const { code, stderr } = await cli(["digest", "run", "--demo", ...extra], { DATA_DIR: dir });
      expect(code).toBe(EXIT_USAGE);
      expect(stderr).toContain("add --dry-run");
    }
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

describe("claude-usage digest run: usage", () => {
  it.each([
    [["digest", "run", "tomorrow"], /Unexpected argument 'tomorrow'/],
    [["digest", "run", "--date"], /Option '--date <value>' argument missing/],
    [["digest", "run", "--format", "json"], /--format must be one of text, blocks, not "json"/],
    [["digest", "run", "--date", "2026-11-5"], /--date must be YYYY-MM-DD, not "2026-11-5"/],
  ])("bad usage %j exits 2 with the usage, opening nothing", async (argv, message) => {
    dir = mkdtempSync(join(tmpdir(), "claude-usage-cli-"));
    const { code, stdout, stderr } = await cli(argv, { DATA_DIR: join(dir, "store") });
    expect(code).toBe(EXIT_USAGE);
    expect(stdout).toBe("");
    expect(stderr).toMatch(message);
    expect(stderr).toContain("Usage:");
    expect(stderr).not.toContain("SLACK_BOT_TOKEN: is not set");
    expect(existsSync(join(dir, "store"))).toBe(false);
  });

  it("--help prints its own help (exit 0)", async () => {
    const { code, stdout } = await cli(["digest", "run", "--help"], {});
    expect(code).toBe(EXIT_OK);
    expect(stdout).toMatch(/^Usage: claude-usage digest run \[--date YYYY-MM-DD\]/);
    expect(stdout).not.toContain("Periods:");
  });
});
