import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { apiErrorBody, type FakeAdminApi, startFakeAdminApi } from "../support/fake-admin-api.js";
import { type FakeSlackApi, startFakeSlackApi } from "../support/fake-slack-api.js";
import { apiRecord } from "../support/records.js";
import { slashCommand } from "../support/slack-requests.js";

/*
 * Run the app with recognisable fake secrets, make it succeed and fail, and look for the secrets
 * everywhere they could leak: its logs (stdout, stderr), and everything it sent to Slack.
 */

const SECRETS = {
  ANTHROPIC_ADMIN_KEY: "sk-ant-admin01-LEAKCANARY.admin.0123456789abcdef",
  SLACK_BOT_TOKEN: "xoxb-LEAKCANARY-bottoken-0123456789abcdef",
  SLACK_SIGNING_SECRET: "LEAKCANARY-signing-secret-0123456789",
};

let api: FakeAdminApi | undefined;
let slack: FakeSlackApi | undefined;
afterEach(async () => {
  await api?.close();
  await slack?.close();
});

describe("secrets", () => {
  it("never appear in logs, errors or Slack messages", async () => {
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    let failing = false;
    api = await startFakeAdminApi({
      adminKey: SECRETS.ANTHROPIC_ADMIN_KEY,
      days: { [yesterday]: [apiRecord({ email: "ada@example.com", models: [["m", 5]] })] },
      // A misbehaving API that echoes the key back in its error.
      fault: () =>
        failing
          ? {
              status: 400,
              body: apiErrorBody("invalid_request_error", `bad key ${SECRETS.ANTHROPIC_ADMIN_KEY}`),
            }
          : undefined,
    });
    slack = await startFakeSlackApi({
      users: [{ id: "U1", email: "ada@example.com" }],
      botToken: SECRETS.SLACK_BOT_TOKEN,
    });
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      env: {
        PATH: process.env.PATH ?? "",
        ...SECRETS,
        ANTHROPIC_BASE_URL: api.url,
        SLACK_API_URL: slack.apiUrl,
        PORT: "0",
        LOG_LEVEL: "debug",
        DATA_DIR: mkdtempSync(join(tmpdir(), "claude-usage-secrets-")),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output: string[] = [];
    createInterface({ input: child.stdout }).on("line", (l) => output.push(l));
    createInterface({ input: child.stderr }).on("line", (l) => output.push(l));
    try {
      let port: number | undefined;
      for (let i = 0; i < 200 && !port; i++) {
        const found = output.map((l) => /"port":(\d+)/.exec(l)?.[1]).find((p) => p !== undefined);
        port = found === undefined ? undefined : Number(found);
        if (!port) await new Promise((r) => setTimeout(r, 50));
      }
      const url = `http://127.0.0.1:${port}/slack/events`;
      await slashCommand(
        url,
        { text: "", user_id: "U1", response_url: slack.responseUrl() },
        SECRETS.SLACK_SIGNING_SECRET,
      );
      await slack.waitForResponses(1, 10_000);
      failing = true;
      await slashCommand(
        url,
        { text: "last 3 days", user_id: "U1", response_url: slack.responseUrl() },
        SECRETS.SLACK_SIGNING_SECRET,
      );
      const replies = await slack.waitForResponses(2, 10_000);
      expect(String(replies[1]?.body.text)).toContain("refused the request");
      await slashCommand(
        url,
        { text: "me", user_id: "U1", response_url: slack.responseUrl() },
        "wrong-signing-secret-000000",
      );
    } finally {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
    const everything = [
      ...output,
      // What the app says to Slack; `token` is the credential itself, sent to Slack by design.
      ...(slack?.calls.map(({ args: { token: _credential, ...said } }) => JSON.stringify(said)) ??
        []),
      ...(slack?.responses.map((r) => JSON.stringify(r.body)) ?? []),
    ].join("\n");
    expect(output.length).toBeGreaterThan(3);
    for (const [name, value] of Object.entries(SECRETS)) {
      expect(everything.includes(value), `${name} leaked`).toBe(false);
    }
    expect(everything).not.toContain("LEAKCANARY");
  }, 30_000);
});
