import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  FAKE_ADMIN_KEY,
  type FakeAdminApi,
  type FakeAdminApiOptions,
  startFakeAdminApi,
} from "../../fakes/fake-admin-api.js";
import {
  FAKE_BOT_TOKEN,
  type FakeSlackApi,
  startFakeSlackApi,
} from "../../fakes/fake-slack-api.js";
import { EXIT_FAILURE, EXIT_OK } from "../../src/cli/run.js";
import { requiredBotScopes } from "../../src/slack/scopes.js";
import { createFailureLog } from "../../src/store/failures.js";
import { openStore } from "../../src/store/store.js";
import { runCliCaptured } from "../support/cli.js";

let api: FakeAdminApi | undefined;
let slack: FakeSlackApi | undefined;
let dir: string | undefined;
afterEach(async () => {
  await api?.close();
  await slack?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const doctor = (env: NodeJS.ProcessEnv) => runCliCaptured(["doctor"], env);

async function setup(scopes: string[], admin: FakeAdminApiOptions = {}) {
  api = await startFakeAdminApi({ days: {}, ...admin });
  slack = await startFakeSlackApi({
    botToken: FAKE_BOT_TOKEN,
    scopes,
    channels: [
      { id: "C1", name: "claude", isMember: true },
      { id: "CBACK", name: "backend", isMember: true },
    ],
  });
  dir = mkdtempSync(join(tmpdir(), "claude-usage-doctor-"));
  return {
    ANTHROPIC_ADMIN_KEY: FAKE_ADMIN_KEY,
    ANTHROPIC_BASE_URL: api.url,
    SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
    SLACK_APP_TOKEN: "xapp-1-A0FAKE-123456789-fakefakefake",
    SLACK_API_URL: slack.apiUrl,
    DATA_DIR: dir,
    DIGEST_CHANNELS: "C1",
  };
}

describe("claude-usage doctor", () => {
  it("a healthy setup passes every check, with one usage call and one members call", async () => {
    const env = await setup(requiredBotScopes(), {
      members: [
        { id: "user_1", email: "ada@example.com", name: "Ada" },
        { id: "user_2", email: "grace@example.com", name: "Grace" },
      ],
    });
    const { code, stdout } = await doctor(env);
    expect(stdout).toContain("✓ Anthropic admin key: accepted");
    expect(stdout).toContain("✓ Members and API keys: the admin key may list members: 2 members");
    expect(stdout).toContain("✓ Slack bot token: valid");
    expect(stdout).toContain("✓ Slack scopes: all scopes the app uses are granted");
    expect(stdout).toContain("✓ Digest channel C1: #claude, the bot is a member");
    expect(stdout).toMatch(/✓ Store: sqlite at .*: migrated and writable/);
    expect(stdout).toContain("All checks passed.");
    expect(code).toBe(EXIT_OK);
    expect(api?.requestCount).toBe(2);
  });

  it("a key that may not list members is told about seats, and doctor still passes", async () => {
    const env = await setup(requiredBotScopes(), {
      fault: (request) =>
        request.path === "/v1/organizations/users"
          ? {
              status: 403,
              body: {
                type: "error",
                error: { type: "permission_error", message: "not allowed" },
              },
            }
          : undefined,
    });
    const { code, stdout } = await doctor(env);
    expect(stdout).toContain("✓ Anthropic admin key: accepted");
    expect(stdout).toContain(
      "· Members and API keys: the admin key may not list members: seats are unavailable; usage reports still work",
    );
    expect(stdout).toMatch(/Members and API keys: .*\n {4}→ For seats, use an Admin API key/);
    expect(stdout).toContain("All checks passed.");
    expect(code).toBe(EXIT_OK);
  });

  it("does not try the members when the admin key itself is refused", async () => {
    const env = await setup(requiredBotScopes(), {
      fault: () => ({
        status: 401,
        body: { type: "error", error: { type: "authentication_error", message: "bad key" } },
      }),
    });
    const { code, stdout } = await doctor(env);
    expect(stdout).toContain("✗ Anthropic admin key:");
    expect(stdout).not.toContain("Members and API keys");
    expect(code).toBe(EXIT_FAILURE);
    expect(api?.requestCount).toBe(1);
  });

  it("lists the last failures people were shown, newest first, by their refs", async () => {
    const env = await setup(requiredBotScopes());
    const before = await doctor(env);
    expect(before.stdout).toContain("· Recent failures: none recorded");
    const store = await openStore({ dataDir: env.DATA_DIR });
    const failures = createFailureLog(store.snapshots);
    for (let i = 1; i <= 7; i++) {
      await failures.record({
        ref: `abc00${i}`,
        at: Date.parse(`2026-11-25T09:0${i}:00Z`),
        kind: "anthropic auth",
        detail: "the Anthropic admin key was rejected (401).",
      });
    }
    await store.close();
    const { code, stdout } = await doctor(env);
    expect(stdout).toContain("· Recent failures: the last 5, newest first");
    expect(stdout).toContain(
      "    ref abc007  2026-11-25 09:07 UTC  anthropic auth: the Anthropic admin key was rejected (401).",
    );
    expect(stdout.indexOf("ref abc007")).toBeLessThan(stdout.indexOf("ref abc003"));
    expect(stdout).not.toContain("ref abc002");
    // A past failure is something to know, not a failed check.
    expect(stdout).toContain("All checks passed.");
    expect(code).toBe(EXIT_OK);
  });

  it("says what is wrong and how to fix it, without printing secrets", async () => {
    const env = await setup(
      requiredBotScopes().filter((s) => s !== "chat:write" && s !== "im:write"),
    );
    const { code, stdout } = await doctor({
      ...env,
      ANTHROPIC_ADMIN_KEY: "sk-ant-admin01-WRONG.key.0000000000",
      DIGEST_CHANNELS: "C1,C404",
    });
    expect(code).toBe(EXIT_FAILURE);
    expect(stdout).toContain("✗ Anthropic admin key: the Anthropic admin key was rejected (401)");
    expect(stdout).toContain("✗ Slack scopes: missing: chat:write, im:write");
    expect(stdout).toContain("→ Update the app from manifest.yml and reinstall it.");
    expect(stdout).toContain("✗ Digest channel C404: channel_not_found");
    expect(stdout).toContain("3 check(s) failed.");
    expect(stdout).not.toContain("WRONG.key");
    expect(stdout).not.toContain(FAKE_BOT_TOKEN);
  });

  it("checks the channels of the subscriptions made in Slack, not the seed in DIGEST_CHANNELS", async () => {
    const env = await setup(requiredBotScopes());
    const store = await openStore({ dataDir: dir });
    for (const s of [
      { channel: "CBACK", cadence: "daily" as const, team: "backend" },
      { channel: "CBACK", cadence: "weekly" as const },
      { channel: "CGONE", cadence: "monthly" as const },
    ]) {
      await store.subscriptions.add({ ...s, time: "09:00", timeZone: "UTC", createdBy: "UADMIN" });
    }
    await store.close();
    const { code, stdout } = await doctor(env);
    expect(stdout).toContain(
      "✓ Digest channel CBACK (daily · backend, weekly): #backend, the bot is a member",
    );
    expect(stdout).toContain("✗ Digest channel CGONE (monthly): channel_not_found");
    expect(stdout).toContain(
      "→ Remove it with /claude-usage unsubscribe, or in the Settings modal.",
    );
    // C1 is only in DIGEST_CHANNELS, which seeded nothing here: the store is what is posted.
    expect(stdout).not.toContain("Digest channel C1");
    expect(code).toBe(EXIT_FAILURE);
  });

  it("a missing token is named", async () => {
    dir = mkdtempSync(join(tmpdir(), "claude-usage-doctor-"));
    const { code, stdout } = await doctor({ DATA_DIR: dir });
    expect(code).toBe(EXIT_FAILURE);
    expect(stdout).toContain("✗ Anthropic admin key: ANTHROPIC_ADMIN_KEY is not set");
    expect(stdout).toContain("✗ Slack bot token: SLACK_BOT_TOKEN is not set");
  });

  it("each team in TEAM_DIGESTS and TEAM_BUDGETS is in the roster, and each team channel reachable", async () => {
    const env = await setup(requiredBotScopes());
    const teamsFile = join(dir ?? "", "teams.csv");
    writeFileSync(
      teamsFile,
      "email,team\nada@example.com,Backend\nbob@example.com,Backend\nbob@example.com,Platform\n",
    );
    const { code, stdout } = await doctor({
      ...env,
      TEAMS_FILE: teamsFile,
      TEAM_DIGESTS: "backend=CBACK,mobile=C404",
      TEAM_BUDGETS: "platform=2500,mobile=100",
    });
    expect(code).toBe(EXIT_FAILURE);
    expect(stdout).toContain(
      "✓ Team digest channel CBACK (backend): #backend, the bot is a member",
    );
    expect(stdout).toContain("✗ Team digest channel C404 (mobile): channel_not_found");
    expect(stdout).toContain("→ Check TEAM_DIGESTS: channel ids (C…), not names.");
    expect(stdout).toContain("✓ Team backend: Backend: 2 members (TEAM_DIGESTS)");
    expect(stdout).toContain("✓ Team platform: Platform: 1 member (TEAM_BUDGETS)");
    expect(stdout).toContain(
      "✗ Team mobile: named in TEAM_DIGESTS and TEAM_BUDGETS, but not in the roster (teams: Backend, Platform)",
    );
    expect(stdout).toContain("2 check(s) failed.");
  });

  it("teams named without any source of teams is one clear failure", async () => {
    const env = await setup(requiredBotScopes());
    const { code, stdout } = await doctor({ ...env, TEAM_BUDGETS: "backend=5000" });
    expect(code).toBe(EXIT_FAILURE);
    expect(stdout).toContain(
      "✗ Teams: TEAM_BUDGETS name teams, but no teams are configured\n    → Set TEAMS_FILE",
    );
  });
});
