import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import {
  apiErrorBody,
  type FakeAdminApi,
  type FaultReply,
  startFakeAdminApi,
} from "../../fakes/fake-admin-api.js";
import {
  type FakeSlackApi,
  type SlackFault,
  startFakeSlackApi,
} from "../../fakes/fake-slack-api.js";
import { apiRecord } from "../../fakes/records.js";
import { slashCommand } from "../../fakes/slack-requests.js";
import { EXIT_FAILURE } from "../../src/cli/run.js";
import { runCliCaptured } from "../support/cli.js";

/*
 * Run the app with recognisable fake secrets, make it succeed and fail, and look for the secrets
 * everywhere they could leak: its logs (stdout, stderr), and everything it sent to Slack.
 */

const SECRETS = {
  ANTHROPIC_ADMIN_KEY: "sk-ant-admin01-LEAKCANARY.admin.0123456789abcdef",
  SLACK_BOT_TOKEN: "xoxb-LEAKCANARY-bottoken-0123456789abcdef",
  SLACK_SIGNING_SECRET: "LEAKCANARY-signing-secret-0123456789",
};
const KEY = SECRETS.ANTHROPIC_ADMIN_KEY;
/** How an upstream echoes a key: a prefix, upper-cased, base64 (as in a Basic or Bearer header). */
const KEY_ECHOES = [
  KEY.slice(0, 30),
  KEY.toUpperCase(),
  Buffer.from(KEY).toString("base64"),
  Buffer.from(`Bearer ${KEY}`).toString("base64"),
];
const DB_PASSWORD = "LEAKCANARY-db-password-0123";

let api: FakeAdminApi | undefined;
let slack: FakeSlackApi | undefined;
afterEach(async () => {
  await api?.close();
  await slack?.close();
});

const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

async function fakes(options: {
  fault: () => FaultReply | undefined;
  slackFault?: (method: string) => SlackFault | undefined;
}) {
  api = await startFakeAdminApi({
    adminKey: KEY,
    days: { [yesterday]: [apiRecord({ email: "ada@example.com", models: [["m", 5]] })] },
    fault: options.fault,
  });
  slack = await startFakeSlackApi({
    users: [{ id: "U1", email: "ada@example.com" }],
    botToken: SECRETS.SLACK_BOT_TOKEN,
    fault: (call) => options.slackFault?.(call.method),
  });
  return { api, slack };
}

/** src/main.ts as its own process, in HTTP mode; every line it writes is kept. */
async function startApp(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: {
      PATH: process.env.PATH ?? "",
      ...SECRETS,
      PORT: "0",
      DATA_DIR: mkdtempSync(join(tmpdir(), "claude-usage-secrets-")),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  createInterface({ input: child.stdout }).on("line", (l) => output.push(l));
  createInterface({ input: child.stderr }).on("line", (l) => output.push(l));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  let port: number | undefined;
  for (let i = 0; i < 200 && !port; i++) {
    const found = output.map((l) => /"port":(\d+)/.exec(l)?.[1]).find((p) => p !== undefined);
    port = found === undefined ? undefined : Number(found);
    if (!port) await new Promise((r) => setTimeout(r, 50));
  }
  const command = (text: string, signingSecret = SECRETS.SLACK_SIGNING_SECRET) =>
    slashCommand(
      `http://127.0.0.1:${port}/slack/events`,
      { text, user_id: "U1", response_url: slack?.responseUrl() ?? "" },
      signingSecret,
    );
  const stop = async () => {
    child.kill("SIGTERM");
    await exited;
  };
  return { output, command, stop };
}

/** Everything the app said: its output, and all it sent to Slack but the token itself. */
function everythingSaid(output: readonly string[]): string {
  return [
    ...output,
    // `token` is the credential itself, sent to Slack by design.
    ...(slack?.calls.map(({ args: { token: _credential, ...said } }) => JSON.stringify(said)) ??
      []),
    ...(slack?.responses.map((r) => JSON.stringify(r.body)) ?? []),
  ].join("\n");
}

/**
 * The 12-character runs of a text that an output must not contain, lower-cased. Runs inside the
 * public "sk-ant-admin01-" prefix are left out: "sk-ant-admin…" is in our own help.
 */
function runsOf(text: string): string[] {
  const from = text.toLowerCase().startsWith("sk-ant-admin01-") ? 4 : 0;
  return Array.from({ length: text.length - 11 - from }, (_, i) =>
    text.slice(from + i, from + i + 12).toLowerCase(),
  );
}

function expectNoLeak(said: string) {
  const lower = said.toLowerCase();
  for (const [name, value] of Object.entries(SECRETS)) {
    expect(said.includes(value), `${name} leaked`).toBe(false);
    for (const run of runsOf(value)) expect(lower, `a run of ${name} leaked`).not.toContain(run);
  }
  for (const echo of KEY_ECHOES) {
    for (const run of runsOf(echo)) expect(lower, `a run of ${echo} leaked`).not.toContain(run);
  }
  expect(lower).not.toContain("leakcanary");
}

describe("secrets", () => {
  it("never appear in logs, errors or Slack messages", async () => {
    let failing = false;
    await fakes({
      // A misbehaving API that echoes the key back in its error.
      fault: () =>
        failing
          ? { status: 400, body: apiErrorBody("invalid_request_error", `bad key ${KEY}`) }
          : undefined,
    });
    const app = await startApp({
      ANTHROPIC_BASE_URL: api?.url ?? "",
      SLACK_API_URL: slack?.apiUrl ?? "",
      LOG_LEVEL: "debug",
    });
    try {
      await app.command("");
      await slack?.waitForResponses(1, 10_000);
      failing = true;
      await app.command("last 3 days");
      const replies = await slack?.waitForResponses(2, 10_000);
      expect(String(replies?.[1]?.body.text)).toContain("Usage is unavailable right now");
      await app.command("me", "wrong-signing-secret-000000");
    } finally {
      await app.stop();
    }
    expect(app.output.length).toBeGreaterThan(3);
    expectNoLeak(everythingSaid(app.output));
  }, 30_000);

  it("an upstream echoing part of a key, its upper case or its base64 leaks none of it (trace logs included)", async () => {
    let status = 0;
    await fakes({
      fault: () =>
        status
          ? {
              status,
              body: apiErrorBody("invalid_request_error", `bad key ${KEY_ECHOES.join(" / ")}`),
            }
          : undefined,
      // Slack refusing an upload with an "error code" that echoes the token.
      slackFault: (method) =>
        method === "files.getUploadURLExternal"
          ? { error: `invalid_auth:${SECRETS.SLACK_BOT_TOKEN.slice(0, 30)}` }
          : undefined,
    });
    const app = await startApp({
      ANTHROPIC_BASE_URL: api?.url ?? "",
      SLACK_API_URL: slack?.apiUrl ?? "",
      LOG_LEVEL: "trace",
    });
    const texts: string[] = [];
    try {
      // Periods without a day in common: a day of the first may still be in flight.
      for (const [i, [code, period]] of (
        [
          [418, "last 3 days"],
          [400, "2026-10-01..2026-10-03"],
        ] as const
      ).entries()) {
        status = code;
        await app.command(period);
        const replies = await slack?.waitForResponses(i + 1, 10_000);
        texts.push(String(replies?.[i]?.body.text));
      }
      status = 0;
      await app.command("export yesterday");
      const replies = await slack?.waitForResponses(3, 15_000);
      texts.push(String(replies?.[2]?.body.text));
    } finally {
      await app.stop();
    }
    // Said in words, with a reference id; the API's and Slack's own text stay in the logs.
    expect(texts[0]).toMatch(/^Usage is unavailable right now; .* — ref `[0-9a-f]{6}`$/);
    expect(texts[1]).toMatch(/^Usage is unavailable right now; .* — ref `/);
    expect(texts[2]).toMatch(/^Slack wouldn't let me do that; .* — ref `/);
    for (const text of texts) expect(text).not.toMatch(/bad key|invalid_auth/);
    const said = everythingSaid(app.output);
    expect(said).toContain('"level":"debug"');
    expect(said).toContain("bad key [redacted]");
    expectNoLeak(said);
  }, 40_000);

  it("the CLI tells an operator what the API said, scrubbed", async () => {
    await fakes({
      fault: () => ({
        status: 418,
        body: apiErrorBody("invalid_request_error", `bad key ${KEY_ECHOES.join(" / ")}`),
      }),
    });
    const env = { ...SECRETS, ANTHROPIC_BASE_URL: api?.url ?? "" };
    const { code, stdout, stderr } = await runCliCaptured(["report"], env);
    expect(code).toBe(EXIT_FAILURE);
    expect(stderr).toMatch(/^claude-usage: couldn't read usage: .* \(418 I'm a Teapot\)\./);
    expect(stderr).toContain('Anthropic said: "bad key [redacted] / [redacted]');
    expectNoLeak(stdout + stderr);
  });

  it("an invalid DATABASE_URL stops the app with one clear line, without its password", async () => {
    await fakes({ fault: () => undefined });
    const databaseUrl = `postgres://claude:${DB_PASSWORD}@127.0.0.1:99999/usage`;
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      env: { PATH: process.env.PATH ?? "", ...SECRETS, PORT: "0", DATABASE_URL: databaseUrl },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += String(d);
    });
    child.stderr.on("data", (d) => {
      stderr += String(d);
    });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(1);
    expect(stderr).toBe(
      "claude-usage: cannot start: the store (an unreadable DATABASE_URL) failed to open: Invalid URL\n",
    );
    expect(stdout + stderr).not.toContain(DB_PASSWORD);
    expect(stdout + stderr).not.toContain("LEAKCANARY");

    // `doctor` names the same problem, just as quietly.
    const doctor = await runCliCaptured(["doctor"], {
      ...SECRETS,
      ANTHROPIC_BASE_URL: api?.url ?? "",
      SLACK_API_URL: slack?.apiUrl ?? "",
      DATABASE_URL: databaseUrl,
    });
    expect(doctor.stdout).toContain(
      "✗ Store: the store (an unreadable DATABASE_URL) failed to open: Invalid URL",
    );
    expect(doctor.stdout + doctor.stderr).not.toContain(DB_PASSWORD);
  }, 20_000);
});
