import { afterEach, describe, expect, it } from "vitest";
import {
  apiErrorBody,
  FAKE_ADMIN_KEY,
  type FakeAdminApi,
  type FakeAdminApiOptions,
  startFakeAdminApi,
} from "../../fakes/fake-admin-api.js";
import {
  FAKE_BOT_TOKEN,
  type FakeSlackApi,
  type FakeSlackApiOptions,
  startFakeSlackApi,
} from "../../fakes/fake-slack-api.js";
import { apiRecord } from "../../fakes/records.js";
import {
  buttonClick,
  buttonClickRequest,
  eventCallback,
  eventCallbackRequest,
  SIGNING_SECRET,
  send,
  slashCommand,
  slashCommandRequest,
} from "../../fakes/slack-requests.js";
import { createAdminClient } from "../../src/anthropic/client.js";
import { loadConfig, requireSlack } from "../../src/app/config.js";
import { slackAppOptionsFromConfig } from "../../src/app/options.js";
import { createUsageLoader } from "../../src/loading/usage-loader.js";
import { createLogger } from "../../src/log.js";
import { createSlackApp, type SlackApp, type SlackAppOptions } from "../../src/slack/app.js";
import { createMemoryDayCache } from "../../src/store/day-cache.js";
import { createFailureLog } from "../../src/store/failures.js";
import type { Preferences } from "../../src/store/store.js";
import { readBlocks } from "../support/read-blocks.js";
import { type TestStoreHandle, testDatabase } from "../support/stores.js";

/*
 * The Slack app end to end in HTTP mode: signed requests into Bolt's receiver on 127.0.0.1, the
 * Web API pointed at a fake Slack, usage from a fake Admin API.
 */

const now = new Date("2026-11-25T09:00:00Z");
const OPUS = "claude-opus-4-1-20250805";
const days = {
  "2026-11-24": [
    apiRecord({
      email: "maria@example.com",
      sessions: 31,
      added: 4100,
      edit: [9, 1],
      models: [[OPUS, 14210]],
    }),
    apiRecord({ email: "sam@example.com", sessions: 3, models: [[OPUS, 9602]] }),
    apiRecord({ apiKey: "deploy-bot", sessions: 4, models: [[OPUS, 12033]] }),
  ],
  "2026-11-23": [apiRecord({ email: "maria@example.com", sessions: 10, models: [[OPUS, 10000]] })],
};
const users = [
  { id: "UMARIA", email: "maria@example.com", name: "maria", displayName: "María Ruiz" },
  { id: "UBOSS", email: "boss@example.com", name: "boss" },
  { id: "UNOMAIL", name: "nomail" },
];

interface Harness {
  slack: FakeSlackApi;
  api: FakeAdminApi;
  app: SlackApp;
  url: string;
  logs: string[];
  /** Another app on the same fakes, as a second replica would be. */
  replica(extra?: AppExtra): Promise<{ app: SlackApp; url: string; logs: string[] }>;
}
let harness: Harness | undefined;
let replicas: SlackApp[] = [];

afterEach(async () => {
  for (const app of replicas) await app.stop();
  replicas = [];
  await harness?.app.stop();
  await harness?.slack.close();
  await harness?.api.close();
  harness = undefined;
});

type AppExtra = Pick<
  SlackAppOptions,
  "stillFetchingAfterMs" | "ledger" | "preferences" | "failures" | "secrets"
> & {
  requestTimeoutMs?: number;
};

async function start(
  env: Record<string, string> = {},
  apiOptions: FakeAdminApiOptions = { days },
  slackOptions: FakeSlackApiOptions = {},
  preferences?: Preferences,
  extra: AppExtra = {},
): Promise<Harness> {
  const slack = await startFakeSlackApi({
    users,
    botToken: FAKE_BOT_TOKEN,
    usergroups: { SLEADS: ["UBOSS"] },
    ...slackOptions,
  });
  const api = await startFakeAdminApi(apiOptions);
  const config = loadConfig({
    ANTHROPIC_ADMIN_KEY: FAKE_ADMIN_KEY,
    ANTHROPIC_BASE_URL: api.url,
    SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    PORT: "0",
    API_MAX_ATTEMPTS: "1",
    ...env,
  });
  async function startApp({ requestTimeoutMs, ...appOptions }: AppExtra) {
    const logs: string[] = [];
    const logger = createLogger({
      level: "debug",
      secrets: [FAKE_ADMIN_KEY, FAKE_BOT_TOKEN, SIGNING_SECRET],
      sink: { write: (l) => logs.push(l) },
    });
    const client = createAdminClient({
      adminKey: FAKE_ADMIN_KEY,
      baseUrl: api.url,
      maxAttempts: 1,
      requestTimeoutMs,
    });
    const loader = createUsageLoader({
      source: client,
      cache: createMemoryDayCache(),
      now: () => now,
    });
    const app = createSlackApp({
      ...slackAppOptionsFromConfig(config),
      loader,
      logger,
      now: () => now,
      // One answer per command however loaded the machine, unless a test is about the note.
      stillFetchingAfterMs: 60_000,
      ...appOptions,
    });
    const { port } = await app.start();
    return { app, url: `http://127.0.0.1:${port}/slack/events`, logs };
  }
  const first = await startApp({ preferences, ...extra });
  harness = {
    slack,
    api,
    ...first,
    async replica(more = {}) {
      const started = await startApp(more);
      replicas.push(started.app);
      return started;
    },
  };
  return harness;
}

const blocksText = (body: Record<string, unknown>) => readBlocks(body.blocks);

describe("/claude-usage", () => {
  it("acks at once, then answers through response_url with an ephemeral org report", async () => {
    const h = await start({}, { days, latencyMs: 400 });
    const ack = await slashCommand(h.url, {
      text: "",
      user_id: "UMARIA",
      response_url: h.slack.responseUrl(),
    });
    expect(ack.status).toBe(200);
    // The report needs the slow API: the ack came back before any answer was posted.
    expect(h.slack.responses).toHaveLength(0);
    const [reply] = await h.slack.waitForResponses(1);
    expect(reply?.at).toBeGreaterThan(ack.at);
    expect(reply?.body.response_type).toBe("ephemeral");
    expect(reply?.body.text).toBe(
      "Claude Code on Tue 24 Nov: $358 spent by 2 people and 1 API key, up from nothing on Tue 17 Nov; the largest was María Ruiz, $142 (40%).",
    );
    const text = blocksText(reply?.body ?? {});
    expect(text).toContain("Claude Code · Tue 24 Nov");
    // A known email becomes a mention; an unknown one stays an email; an API key is named as such.
    expect(text).toContain("🥇 <@UMARIA>  $142.10");
    expect(text).toContain("🔑 deploy-bot");
    expect(text).toContain("sam@example.com");
    expect(text).toContain('"action_id":"share_report"');
  });

  it("a slow answer is preceded by a short “still fetching” note, which the answer replaces", async () => {
    const h = await start({}, { days, latencyMs: 700 }, {}, undefined, {
      stillFetchingAfterMs: 150,
    });
    const ack = await slashCommand(h.url, {
      text: "last 2 days",
      user_id: "UMARIA",
      response_url: h.slack.responseUrl("slow"),
    });
    const [note, reply] = await h.slack.waitForResponses(2);
    expect(note?.id).toBe("slow");
    expect(note?.body).toMatchObject({
      response_type: "ephemeral",
      text: "Still fetching the numbers for Mon 23 – Tue 24 Nov…",
    });
    expect(note?.body.replace_original).toBeUndefined();
    expect((note?.at ?? 0) - ack.at).toBeGreaterThanOrEqual(100);
    expect(reply?.id).toBe("slow");
    expect(reply?.body.replace_original).toBe(true);
    expect(reply?.body.response_type).toBe("ephemeral");
    expect(reply?.body.text).toBe(
      "Claude Code last 2 days (Mon 23 – Tue 24 Nov): $458 spent, up from nothing on the same days last week — one person drove it: María Ruiz, $242 (53%). Everyone else: $216.",
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(h.slack.responses).toHaveLength(2);
  });

  it("when the API hangs, the note comes first and the reason replaces it", async () => {
    const h = await start(
      {},
      { days, fault: () => ({ status: 200, body: { data: [] }, delayMs: 5_000 }) },
      {},
      undefined,
      { stillFetchingAfterMs: 100, requestTimeoutMs: 800 },
    );
    await slashCommand(h.url, { text: "", user_id: "UMARIA", response_url: h.slack.responseUrl() });
    const [note, reply] = await h.slack.waitForResponses(2);
    expect(note?.body.text).toContain("Still fetching the numbers for Tue 24 Nov…");
    expect(reply?.body.replace_original).toBe(true);
    expect(reply?.body.text).toMatch(
      /^Usage is unavailable right now: Anthropic's usage API is not answering\. Try again in a few minutes, or ask for a shorter period\. — ref `[0-9a-f]{6}`$/,
    );
  });

  it("a fast answer comes alone, without a note or replace_original", async () => {
    const h = await start({}, { days }, {}, undefined, { stillFetchingAfterMs: 1500 });
    await slashCommand(h.url, { text: "", user_id: "UMARIA", response_url: h.slack.responseUrl() });
    const [reply] = await h.slack.waitForResponses(1);
    expect(reply?.body.text).toContain("$358 spent");
    expect(reply?.body.replace_original).toBeUndefined();
    await new Promise((r) => setTimeout(r, 1600));
    expect(h.slack.responses).toHaveLength(1);
  });

  it("a bad period gets the help, with the reason, without calling the API", async () => {
    const h = await start();
    await slashCommand(h.url, {
      text: "last fortnight",
      user_id: "UMARIA",
      response_url: h.slack.responseUrl(),
    });
    const [reply] = await h.slack.waitForResponses(1);
    expect(reply?.body.response_type).toBe("ephemeral");
    expect(blocksText(reply?.body ?? {})).toContain(
      `I don't understand the period \\"last fortnight\\"`,
    );
    expect(blocksText(reply?.body ?? {})).toContain("`/claude-usage last 7 days` — the past week");
    expect(h.api.requestCount).toBe(0);
  });

  it.each(["constructor", "__proto__"])(
    "`top %s` gets the help with the reason, not a leaderboard by an unknown metric",
    async (word) => {
      const h = await start();
      await slashCommand(h.url, {
        text: `top ${word}`,
        user_id: "UMARIA",
        response_url: h.slack.responseUrl(),
      });
      const [reply] = await h.slack.waitForResponses(1);
      expect(reply?.body.text).toBe(
        `I don't understand the period "${word}". Try \`/claude-usage help\`.`,
      );
      expect(JSON.stringify(reply?.body)).not.toContain("undefined");
      expect(h.api.requestCount).toBe(0);
    },
  );

  it("a mistyped subcommand gets “did you mean” and nothing else", async () => {
    const h = await start();
    await slashCommand(h.url, {
      text: "tpo cost",
      user_id: "UMARIA",
      response_url: h.slack.responseUrl(),
    });
    const [reply] = await h.slack.waitForResponses(1);
    expect(reply?.body.text).toBe("Did you mean `/claude-usage top cost`?");
    expect(reply?.body.blocks).toEqual([
      { type: "section", text: { type: "mrkdwn", text: "Did you mean `/claude-usage top cost`?" } },
    ]);
    expect(h.api.requestCount).toBe(0);
  });

  it("echoed input is escaped in the help's text and blocks: `<!channel>` pings no one", async () => {
    const h = await start();
    await slashCommand(h.url, {
      text: "<!channel> & <@UBOSS>",
      user_id: "UMARIA",
      response_url: h.slack.responseUrl(),
    });
    const [reply] = await h.slack.waitForResponses(1);
    const text = String(reply?.body.text);
    expect(text).toContain('"&lt;!channel&gt; &amp; &lt;@UBOSS&gt;"');
    expect(JSON.stringify(reply?.body)).not.toMatch(/<!channel>|<@UBOSS>/);
    expect(blocksText(reply?.body ?? {})).toContain("&lt;!channel&gt;");
  });

  it("a command body without `text` is the default report, not silence", async () => {
    const h = await start();
    const ack = await slashCommand(h.url, {
      text: undefined,
      user_id: "UMARIA",
      response_url: h.slack.responseUrl(),
    });
    expect(ack.status).toBe(200);
    const [reply] = await h.slack.waitForResponses(1);
    expect(reply?.body.response_type).toBe("ephemeral");
    expect(reply?.body.text).toBe(
      "Claude Code on Tue 24 Nov: $358 spent by 2 people and 1 API key, up from nothing on Tue 17 Nov; the largest was María Ruiz, $142 (40%).",
    );
  });

  it("`me` answers with the caller's own numbers, found by their Slack email", async () => {
    const h = await start();
    await slashCommand(h.url, {
      text: "me",
      user_id: "UMARIA",
      response_url: h.slack.responseUrl(),
    });
    const [reply] = await h.slack.waitForResponses(1);
    expect(blocksText(reply?.body ?? {})).toContain(
      "Yesterday your Claude Code cost an estimated *$142.10* — *31 sessions*",
    );
    expect(blocksText(reply?.body ?? {})).toContain("You're #1 of 2 in your org");
    expect(h.slack.callsTo("users.info")[0]?.args.user).toBe("UMARIA");
    // No budget, no month to load: yesterday, and the 28 days before it for the usual day.
    expect(h.api.requestCount).toBe(1 + 28);
    expect(blocksText(reply?.body ?? {})).not.toContain("so far");
  });

  it("`me` shows where someone with a monthly budget stands in the month", async () => {
    const h = await start({ BUDGET_USER_OVERRIDES: "maria@example.com=250" });
    await slashCommand(h.url, {
      text: "me",
      user_id: "UMARIA",
      response_url: h.slack.responseUrl(),
    });
    const [reply] = await h.slack.waitForResponses(1);
    // 23 Nov $100.00 + 24 Nov $142.10 = $242.10 of $250 (97%); × 30 / 24 = $303.
    expect(blocksText(reply?.body ?? {})).toContain(
      "💸 November so far: *$242.10* of your $250 budget (97%) · on pace for $303",
    );
  });

  it("`me` for someone whose Slack profile has no email says why", async () => {
    const h = await start();
    await slashCommand(h.url, {
      text: "me",
      user_id: "UNOMAIL",
      response_url: h.slack.responseUrl(),
    });
    const [reply] = await h.slack.waitForResponses(1);
    expect(reply?.body.text).toContain("couldn't find the email of your Slack account");
  });

  it("`top sessions` and `models` give longer lists", async () => {
    const h = await start();
    await slashCommand(h.url, {
      text: "top sessions",
      user_id: "UMARIA",
      response_url: h.slack.responseUrl(),
    });
    await slashCommand(h.url, {
      text: "models",
      user_id: "UMARIA",
      response_url: h.slack.responseUrl(),
    });
    const replies = await h.slack.waitForResponses(2);
    const all = replies.map((r) => blocksText(r.body)).join("\n");
    expect(all).toContain("1. <@UMARIA>  31  $142.10");
    expect(all).toContain("opus\u20114\u20111  $358.45  100%");
  });

  it("an API failure is said in the asker's words with a reference id; the detail is logged under it", async () => {
    const h = await start(
      {},
      {
        days,
        fault: () => ({
          status: 401,
          body: apiErrorBody("authentication_error", "invalid x-api-key"),
        }),
      },
    );
    await slashCommand(h.url, { text: "", user_id: "UMARIA", response_url: h.slack.responseUrl() });
    const [reply] = await h.slack.waitForResponses(1);
    const text = String(reply?.body.text);
    expect(text).toMatch(
      /^Usage is unavailable right now; it needs an admin, and the details are in the app's logs\. — ref `[0-9a-f]{6}`$/,
    );
    expect(JSON.stringify(reply?.body)).not.toContain("ANTHROPIC_ADMIN_KEY");
    const ref = /ref `([0-9a-f]{6})`/.exec(text)?.[1];
    expect(ref).toBeDefined();
    const logged = h.logs.find(
      (line) => line.includes(`"ref":"${ref}"`) && line.includes("could not answer"),
    );
    expect(logged).toContain("the Anthropic admin key was rejected (401)");
    expect(JSON.stringify(reply?.body)).not.toContain(FAKE_ADMIN_KEY);
    expect(h.logs.join("")).not.toContain(FAKE_ADMIN_KEY);
    expect(text).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  describe("a failure that needs an admin", () => {
    let stores: TestStoreHandle | undefined;
    afterEach(async () => {
      await stores?.cleanup();
      stores = undefined;
    });
    const rejected = {
      days,
      fault: () => ({
        status: 401,
        body: apiErrorBody("authentication_error", `invalid x-api-key ${FAKE_ADMIN_KEY}`),
      }),
    };

    it("DMs the allowed users once an hour per kind, scrubbed, and tells the asker an admin knows", async () => {
      stores = testDatabase("sqlite");
      const store = await stores.open();
      const failures = createFailureLog(store.snapshots);
      const h = await start({ ALLOWED_USERS: "UBOSS" }, rejected, {}, undefined, {
        failures,
        secrets: [FAKE_ADMIN_KEY],
      });
      for (const text of ["me", "me last 7 days"]) {
        await slashCommand(h.url, { text, user_id: "UMARIA", response_url: h.slack.responseUrl() });
      }
      const replies = await h.slack.waitForResponses(2);
      const refs = replies.map((r) => /ref `([0-9a-f]{6})`/.exec(String(r.body.text))?.[1]);
      for (const reply of replies) {
        expect(reply.body.text).toMatch(
          /^Usage is unavailable right now; an admin has been told\. — ref `[0-9a-f]{6}`$/,
        );
      }
      // One DM for the two: to the admin, with the first ref and what is wrong, in Slack's DM.
      const dms = h.slack.messages.filter((m) => m.channel === "DBOSS");
      expect(dms).toHaveLength(1);
      const dm = `${dms[0]?.text} ${readBlocks(dms[0]?.blocks)}`;
      expect(dm).toContain("Claude Code usage needs an admin");
      expect(dm).toContain("the Anthropic admin key was rejected (401)");
      // The DM has the ref of the failure that sent it (the answers run at the same time).
      expect(refs.filter((ref) => dm.includes(`ref \`${ref}\``))).toHaveLength(1);
      expect(dm).toContain("<@UMARIA>");
      expect(dm).toContain("more of the same in the next hour go to the logs only");
      expect(dm).not.toContain(FAKE_ADMIN_KEY);
      expect(dm).toContain("[redacted]");
      // Both are kept for doctor, scrubbed.
      const kept = await failures.recent();
      expect(kept.map((f) => f.ref).sort()).toEqual([...refs].sort());
      expect(kept[0]?.kind).toBe("anthropic auth");
      expect(JSON.stringify(kept)).not.toContain(FAKE_ADMIN_KEY);
    });

    it("without ALLOWED_USERS no one is DMed and the asker is pointed at the logs", async () => {
      const h = await start({}, rejected);
      await slashCommand(h.url, {
        text: "",
        user_id: "UMARIA",
        response_url: h.slack.responseUrl(),
      });
      const [reply] = await h.slack.waitForResponses(1);
      expect(reply?.body.text).toMatch(/it needs an admin, and the details are in the app's logs/);
      expect(h.slack.callsTo("chat.postMessage")).toHaveLength(0);
    });

    it("a transient failure is not an admin's matter: no DM, and try again later", async () => {
      const h = await start(
        { ALLOWED_USERS: "UBOSS" },
        {
          days,
          fault: () => ({ status: 503, body: apiErrorBody("api_error", "overloaded") }),
        },
      );
      await slashCommand(h.url, {
        text: "me",
        user_id: "UMARIA",
        response_url: h.slack.responseUrl(),
      });
      const [reply] = await h.slack.waitForResponses(1);
      expect(reply?.body.text).toMatch(
        /^Usage is unavailable right now: Anthropic's usage API is not answering\. Try again in a few minutes\./,
      );
      expect(h.slack.callsTo("chat.postMessage")).toHaveLength(0);
    });
  });

  it("a Slack lookup failure does not break the report: the person is shown by email", async () => {
    const h = await start(
      {},
      { days },
      {
        fault: (call) =>
          call.method === "users.lookupByEmail" ? { error: "internal_error" } : undefined,
      },
    );
    await slashCommand(h.url, { text: "", user_id: "UMARIA", response_url: h.slack.responseUrl() });
    const [reply] = await h.slack.waitForResponses(1);
    expect(blocksText(reply?.body ?? {})).toContain("🥇 maria@example.com  $142.10");
  });

  it("rejects a request with a bad signature", async () => {
    const h = await start();
    const reply = await slashCommand(
      h.url,
      { text: "", user_id: "UMARIA", response_url: h.slack.responseUrl() },
      "wrong-secret-0000000000",
    );
    expect(reply.status).toBe(401);
  });
});

describe("/claude-usage export", () => {
  it("uploads two CSV files into the caller's DM and says so in the channel, privately", async () => {
    const h = await start();
    await slashCommand(h.url, {
      text: "export 2026-11-23..2026-11-24",
      user_id: "UBOSS",
      response_url: h.slack.responseUrl(),
    });
    const [reply] = await h.slack.waitForResponses(1);
    expect(reply?.body.response_type).toBe("ephemeral");
    expect(reply?.body.text).toContain(
      "Sent you the export for 2026-11-23 to 2026-11-24 (UTC) in a DM",
    );
    // Private: into the app's DM with the caller, opened first.
    expect(h.slack.callsTo("conversations.open")[0]?.args.users).toBe("UBOSS");
    expect(h.slack.shared).toHaveLength(1);
    const share = h.slack.shared[0];
    expect(share?.channel).toBe("DBOSS");
    expect(share?.comment).toContain("2 people and 1 API keys, $458.45 in all");
    expect(share?.files.map((f) => f.title)).toEqual([
      "Claude Code usage per person and day, 2026-11-23 to 2026-11-24",
      "Claude Code usage per person, 2026-11-23 to 2026-11-24",
    ]);
    const [byDay, summary] = (share?.files ?? []).map((f) => f.bytes?.toString("utf8") ?? "");
    const rows = (byDay ?? "").trim().split("\r\n");
    expect(rows[0]).toMatch(/^day,actor,actor_type,name,cost_usd,cost_cents,sessions,/);
    // Maria on two days, Sam and the API key on one: one row per actor and day, days in order.
    // Names: Maria's Slack display name (no mention), none for Sam (not in Slack), the key's own.
    expect(rows.slice(1).map((r) => r.split(",").slice(0, 5).join(","))).toEqual([
      "2026-11-23,maria@example.com,user,María Ruiz,100.0000",
      "2026-11-24,maria@example.com,user,María Ruiz,142.1000",
      "2026-11-24,deploy-bot,api_key,deploy-bot,120.3300",
      "2026-11-24,sam@example.com,user,,96.0200",
    ]);
    expect(byDay).not.toContain("<@");
    expect((summary ?? "").split("\r\n")[1]).toMatch(
      /^maria@example.com,user,María Ruiz,242.1000,24210,41,/,
    );
    expect(h.slack.uploads.map((u) => u.filename)).toEqual([
      "claude-usage-2026-11-23_2026-11-24-by-day.csv",
      "claude-usage-2026-11-23_2026-11-24-summary.csv",
    ]);
  });

  it("follows the org report's access rule", async () => {
    const h = await start({ ALLOWED_USERS: "UBOSS" });
    await slashCommand(h.url, {
      text: "export last 7 days",
      user_id: "UMARIA",
      response_url: h.slack.responseUrl(),
    });
    const [reply] = await h.slack.waitForResponses(1);
    expect(reply?.body.text).toContain("limited to a few people");
    expect(h.slack.shared).toHaveLength(0);
    expect(h.api.requestCount).toBe(0);
  });

  it("a failed upload (files:write not granted): plain words, and what is wrong for an admin", async () => {
    const h = await start(
      { ALLOWED_USERS: "UBOSS" },
      { days },
      {
        fault: (call) =>
          call.method === "files.getUploadURLExternal" ? { error: "missing_scope" } : undefined,
      },
    );
    await slashCommand(h.url, {
      text: "export yesterday",
      user_id: "UBOSS",
      response_url: h.slack.responseUrl(),
    });
    const [reply] = await h.slack.waitForResponses(1);
    // UBOSS is an allowed user here (ALLOWED_USERS): an admin, who sees what is wrong.
    expect(reply?.body.text).toMatch(/^Slack wouldn't let me do that; .* — ref `[a-z0-9-]+`$/);
    expect(JSON.stringify(reply?.body.blocks)).toContain(
      "For admins: Slack refused: this app lacks a permission it needs",
    );
    expect(h.slack.shared).toHaveLength(0);
  });
});

describe("/claude-usage chart", () => {
  it("draws the period's charts and sends them to the caller's DM as PNG files", async () => {
    const h = await start();
    await slashCommand(h.url, {
      text: "chart 2026-11-23..2026-11-24",
      user_id: "UBOSS",
      response_url: h.slack.responseUrl(),
    });
    const [reply] = await h.slack.waitForResponses(1, 15_000);
    expect(reply?.body.response_type).toBe("ephemeral");
    expect(reply?.body.text).toContain("Sent you the charts for 2026-11-23 to 2026-11-24 (UTC)");
    const share = h.slack.shared[0];
    expect(share?.channel).toBe("DBOSS");
    expect(h.slack.uploads.map((u) => u.filename)).toEqual([
      "claude-usage-daily-2026-11-23_2026-11-24.png",
      "claude-usage-top-2026-11-23_2026-11-24.png",
    ]);
    for (const upload of h.slack.uploads) {
      expect(upload.bytes.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
      expect(upload.bytes.readUInt32BE(16)).toBe(1600); // IHDR width: 2× the 800-unit chart
    }
    // The alt text carries the numbers for screen readers.
    const altTexts = h.slack.callsTo("files.getUploadURLExternal").map((c) => c.args.alt_text);
    // Charts name people as Slack shows them.
    expect(String(altTexts[1])).toContain("1. María Ruiz $242.10");
    // No comparison period for a chart: only the two days asked for were fetched.
    expect(h.api.requestCount).toBe(2);
  });

  it("for one day sends its top spenders only (one bar says nothing) and says how to get more", async () => {
    const h = await start();
    await slashCommand(h.url, {
      text: "chart 2026-11-24",
      user_id: "UBOSS",
      response_url: h.slack.responseUrl(),
    });
    const [reply] = await h.slack.waitForResponses(1, 15_000);
    expect(reply?.body.text).toBe(
      ":bar_chart: Sent you the top spenders of 2026-11-24 (UTC) in a DM. A day's spend is one bar, so for the daily chart ask for more days: `/claude-usage chart` (the last 30).",
    );
    expect(h.slack.uploads.map((u) => u.filename)).toEqual(["claude-usage-top-2026-11-24.png"]);
  });

  it("follows the org report's access rule", async () => {
    const h = await start({ ALLOWED_USERS: "UBOSS" });
    await slashCommand(h.url, {
      text: "chart",
      user_id: "UMARIA",
      response_url: h.slack.responseUrl(),
    });
    const [reply] = await h.slack.waitForResponses(1);
    expect(reply?.body.text).toContain("limited to a few people");
    expect(h.slack.uploads).toHaveLength(0);
  });
});

describe("access control", () => {
  it("with ALLOWED_USERS set, others may see only `me`, and are told so politely", async () => {
    const h = await start({ ALLOWED_USERS: "UBOSS" });
    await slashCommand(h.url, {
      text: "last 7 days",
      user_id: "UMARIA",
      response_url: h.slack.responseUrl(),
    });
    await slashCommand(h.url, {
      text: "me",
      user_id: "UMARIA",
      response_url: h.slack.responseUrl(),
    });
    const [refused, mine] = await h.slack.waitForResponses(2);
    expect(refused?.body.text).toContain("limited to a few people");
    expect(mine?.body.text).toContain("Claude Code sessions");
  });

  it("members of ALLOWED_USERGROUP may see the org report", async () => {
    const h = await start({ ALLOWED_USERGROUP: "SLEADS" });
    await slashCommand(h.url, { text: "", user_id: "UBOSS", response_url: h.slack.responseUrl() });
    const [reply] = await h.slack.waitForResponses(1);
    expect(reply?.body.text).toContain("$358 spent");
    expect(h.slack.callsTo("usergroups.users.list")[0]?.args.usergroup).toBe("SLEADS");
  });
});

describe("Share in channel", () => {
  const value = JSON.stringify({ kind: "org", period: "2026-11-24..2026-11-24" });

  it("posts the same report for everyone, saying who shared it on top, pinging no one", async () => {
    const h = await start();
    const click = await buttonClick(h.url, {
      user_id: "UMARIA",
      action_id: "share_report",
      value,
      response_url: h.slack.responseUrl(),
    });
    expect(click.status).toBe(200);
    const [reply] = await h.slack.waitForResponses(1);
    expect(reply?.body.response_type).toBe("in_channel");
    expect(reply?.body.replace_original).toBe(false);
    const blocks = reply?.body.blocks as { type: string }[];
    expect(blocks[0]).toEqual({
      type: "context",
      elements: [{ type: "mrkdwn", text: "Shared by María Ruiz" }],
    });
    const posted = blocksText(reply?.body ?? {});
    expect(posted).toContain("Claude Code · Tue 24 Nov");
    // The sharer and the people in it by name, in plain text.
    expect(posted).toContain("🥇 María Ruiz  $142.10");
    expect(posted).not.toContain("<@");
    expect(posted).not.toContain("share_report");
  });

  it("once shared, the private copy loses its Share button and says where it went", async () => {
    const h = await start();
    await buttonClick(h.url, {
      user_id: "UMARIA",
      action_id: "share_report",
      value,
      response_url: h.slack.responseUrl("the-ephemeral"),
    });
    const [shared, replaced] = await h.slack.waitForResponses(2);
    expect(shared?.body.response_type).toBe("in_channel");
    expect(replaced?.id).toBe("the-ephemeral");
    expect(replaced?.body).toMatchObject({ response_type: "ephemeral", replace_original: true });
    const blocks = replaced?.body.blocks as { type: string }[];
    expect(blocks.map((b) => b.type)).not.toContain("actions");
    expect(blocksText(replaced?.body ?? {})).toContain("Claude Code · Tue 24 Nov");
    expect(JSON.stringify(blocks.at(-1))).toContain(":white_check_mark: Shared in #general");
    await new Promise((r) => setTimeout(r, 200));
    expect(h.slack.responses).toHaveLength(2);
  });

  it.each([
    ["not JSON", "{oops", "its value is not JSON"],
    [
      "a kind this version does not know",
      JSON.stringify({ kind: "me", period: "2026-11-24..2026-11-24" }),
      "its value is not one this version knows (kind:",
    ],
    [
      "a period in the future",
      JSON.stringify({ kind: "org", period: "2026-11-24..2026-12-24" }),
      "2026-12-24 is in the future",
    ],
  ])(
    "a value with %s gets the reason, privately, and nothing is posted",
    async (_, bad, reason) => {
      const h = await start();
      await buttonClick(h.url, {
        user_id: "UMARIA",
        action_id: "share_report",
        value: bad,
        response_url: h.slack.responseUrl(),
      });
      const [reply] = await h.slack.waitForResponses(1);
      expect(reply?.body.response_type).toBe("ephemeral");
      expect(reply?.body.replace_original).toBe(false);
      expect(reply?.body.text).toContain("This Share button's report can no longer be rebuilt (");
      expect(reply?.body.text).toContain(reason);
      expect(blocksText(reply?.body ?? {})).toContain("can no longer be rebuilt");
      expect(h.api.requestCount).toBe(0);
    },
  );

  it("follows the same access rule as the command", async () => {
    const h = await start({ ALLOWED_USERS: "UBOSS" });
    await buttonClick(h.url, {
      user_id: "UMARIA",
      action_id: "share_report",
      value,
      response_url: h.slack.responseUrl(),
    });
    const [reply] = await h.slack.waitForResponses(1);
    expect(reply?.body.response_type).toBe("ephemeral");
    expect(reply?.body.text).toContain("limited to a few people");
  });
});

describe("App Home", () => {
  it("publishes a skeleton, then the viewer's week and, for allowed viewers, the org's", async () => {
    const h = await start({ BUDGET_USER_MONTHLY_USD: "1000" });
    const reply = await eventCallback(h.url, {
      type: "app_home_opened",
      user: "UMARIA",
      channel: "D1",
      tab: "home",
      event_ts: "1.1",
    });
    expect(reply.status).toBe(200);
    for (let i = 0; i < 100 && h.slack.callsTo("views.publish").length < 2; i++)
      await new Promise((r) => setTimeout(r, 20));
    const [skeleton, publish] = h.slack.callsTo("views.publish");
    expect(JSON.stringify(skeleton?.args.view)).toContain("Loading your numbers");
    expect(publish?.args.user_id).toBe("UMARIA");
    const view = JSON.stringify(publish?.args.view);
    expect(view).toContain("*You* · last 7 days · Wed 18 – Tue 24 Nov");
    expect(view).toContain("Spend\\n*$242.10*");
    expect(view).toContain("*Your org* · last 7 days");
    // The Home tab is private: people as mentions (Slack shows their names), keys by name.
    expect(view).toContain("🥇 <@UMARIA>  *$242.10*");
    expect(view).toContain("🔑 deploy-bot");
    // With a budget (here everyone's $1,000): where they stand this month.
    expect(view).toContain("November so far: *$242.10* of your $1,000 budget (24%)");
  });
});

describe("/claude-usage dm on|off", () => {
  let stores: TestStoreHandle | undefined;
  afterEach(async () => {
    await stores?.cleanup();
  });

  it("records the caller's choice in the store and confirms it", async () => {
    stores = testDatabase("sqlite");
    const store = await stores.open();
    const h = await start({}, { days }, {}, store.preferences);
    await slashCommand(h.url, {
      text: "dm off",
      user_id: "UMARIA",
      response_url: h.slack.responseUrl(),
    });
    const [off] = await h.slack.waitForResponses(1);
    expect(off?.body.text).toContain("no more daily DMs");
    expect(await store.preferences.getDmPreference("UMARIA")).toBe("off");
    await slashCommand(h.url, {
      text: "dm on",
      user_id: "UMARIA",
      response_url: h.slack.responseUrl(),
    });
    await h.slack.waitForResponses(2);
    expect(await store.preferences.getDmPreference("UMARIA")).toBe("on");
  });

  it("without a store it says DMs are not set up", async () => {
    const h = await start();
    await slashCommand(h.url, {
      text: "dm on",
      user_id: "UMARIA",
      response_url: h.slack.responseUrl(),
    });
    const [reply] = await h.slack.waitForResponses(1);
    expect(reply?.body.text).toContain("not set up");
  });
});

describe("replays and retries", () => {
  let stores: TestStoreHandle | undefined;
  afterEach(async () => {
    await stores?.cleanup();
    stores = undefined;
  });
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const dropped = (logs: string[]) =>
    logs.filter((l) => l.includes("duplicate Slack request dropped"));
  const shareValue = JSON.stringify({ kind: "org", period: "2026-11-24..2026-11-24" });

  it("a signed command sent again (replayed, or retried by Slack) is acknowledged and runs once", async () => {
    const h = await start();
    const request = slashCommandRequest(h.url, {
      text: "",
      user_id: "UMARIA",
      response_url: h.slack.responseUrl(),
    });
    const acks = [
      await send(request),
      await send(request),
      await send(request, { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" }),
    ];
    expect(acks.map((a) => a.status)).toEqual([200, 200, 200]);
    const [reply] = await h.slack.waitForResponses(1);
    expect(reply?.body.text).toContain("$358 spent");
    await pause(300);
    expect(h.slack.responses).toHaveLength(1);
    expect(h.api.requestCount).toBe(2); // yesterday and the day before, fetched once
    expect(dropped(h.logs)).toHaveLength(2);
    expect(dropped(h.logs)[1]).toContain('"retryNum":1');
  });

  it("`dm off` replayed: the same state, one answer; sent twice on purpose, the same state again", async () => {
    stores = testDatabase("sqlite");
    const store = await stores.open();
    const h = await start({}, { days }, {}, store.preferences);
    const request = slashCommandRequest(h.url, {
      text: "dm off",
      user_id: "UMARIA",
      response_url: h.slack.responseUrl(),
    });
    await send(request);
    await send(request);
    const [reply] = await h.slack.waitForResponses(1);
    expect(reply?.body.text).toContain("no more daily DMs");
    await pause(300);
    expect(h.slack.responses).toHaveLength(1);
    expect(await store.preferences.getDmPreference("UMARIA")).toBe("off");
    // Setting a value is idempotent by nature: a second, distinct `dm off` changes nothing.
    await slashCommand(h.url, {
      text: "dm off",
      user_id: "UMARIA",
      response_url: h.slack.responseUrl(),
    });
    const [, again] = await h.slack.waitForResponses(2);
    expect(again?.body.text).toContain("no more daily DMs");
    expect(await store.preferences.getDmPreference("UMARIA")).toBe("off");
  });

  it("an event delivered again with the same event_id is handled once; a retry never seen is handled", async () => {
    const h = await start();
    const event = { type: "app_home_opened", user: "UMARIA", channel: "D1", tab: "home" };
    const request = eventCallbackRequest(h.url, event, "EvSAME");
    await send(request);
    await send(request, { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" });
    // The original went to a replica that died: its retry is new here, and is handled.
    await send(eventCallbackRequest(h.url, event, "EvOTHER"), { "x-slack-retry-num": "2" });
    // Each open publishes a skeleton and the full view: two opens, four publishes.
    for (let i = 0; i < 100 && h.slack.callsTo("views.publish").length < 4; i++) await pause(20);
    await pause(300);
    expect(h.slack.callsTo("views.publish")).toHaveLength(4);
    expect(dropped(h.logs)).toHaveLength(1);
  });

  it("a Share click replayed posts once", async () => {
    const h = await start();
    const click = buttonClickRequest(h.url, {
      user_id: "UMARIA",
      action_id: "share_report",
      value: shareValue,
      response_url: h.slack.responseUrl(),
    });
    await send(click);
    await send(click);
    const [reply] = await h.slack.waitForResponses(1);
    expect(reply?.body.response_type).toBe("in_channel");
    await pause(300);
    // The post, and the private copy replaced (without its button): once each.
    expect(h.slack.responses.map((r) => r.body.replace_original)).toEqual([false, true]);
    expect(dropped(h.logs)).toHaveLength(1);
  });

  it("a Share click replayed to another replica posts once: both claim it in the shared ledger", async () => {
    stores = testDatabase("sqlite");
    const [storeA, storeB] = [await stores.open(), await stores.open()];
    const h = await start({}, { days, latencyMs: 100 }, {}, undefined, { ledger: storeA.ledger });
    const b = await h.replica({ ledger: storeB.ledger });
    const fields = {
      user_id: "UMARIA",
      action_id: "share_report",
      value: shareValue,
      response_url: h.slack.responseUrl(),
      message_ts: "1700000000.000100",
      action_ts: "1700000042.123456",
    };
    // The same signed request, to each replica at once and then again to the second.
    const click = buttonClickRequest(h.url, fields);
    const acks = await Promise.all([send(click), send({ ...click, url: b.url })]);
    expect(acks.map((a) => a.status)).toEqual([200, 200]);
    const [reply] = await h.slack.waitForResponses(1);
    expect(reply?.body.response_type).toBe("in_channel");
    expect(blocksText(reply?.body ?? {})).toContain("Shared by María Ruiz");
    await send({ ...click, url: b.url });
    await pause(500);
    expect(h.slack.responses.map((r) => r.body.replace_original)).toEqual([false, true]);
    const rows = await storeA.ledger.list({ kind: "share" });
    expect(rows).toMatchObject([
      {
        key: "share:C0GENERAL:1700000000.000100",
        status: "delivered",
        attempts: 1,
      },
    ]);
    const skipped = [...h.logs, ...b.logs].filter((l) => l.includes("share already handled"));
    expect(skipped).toHaveLength(1);
    // A second click on the same report (a double-click, before the button is gone) shares
    // nothing again: the clicker is told where it went.
    await buttonClick(b.url, { ...fields, action_ts: "1700000050.000001" });
    // (After the post and the replaced private copy.)
    const [, , second] = await h.slack.waitForResponses(3);
    expect(second?.body).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(blocksText(second?.body ?? {})).toContain("already shared in #general");
    await pause(300);
    expect(h.slack.responses.filter((r) => r.body.response_type === "in_channel")).toHaveLength(1);
  });
});

describe("Socket Mode", () => {
  it("is chosen when SLACK_APP_TOKEN is set, and the app is built without a public URL", async () => {
    const slack = await startFakeSlackApi({ users, botToken: FAKE_BOT_TOKEN });
    try {
      const config = loadConfig({
        ANTHROPIC_ADMIN_KEY: FAKE_ADMIN_KEY,
        SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
        SLACK_APP_TOKEN: "xapp-1-A0FAKE-0000000000-fakeapptoken",
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
      });
      const mode = requireSlack(config);
      expect(mode.mode).toBe("socket");
      const client = createAdminClient({ adminKey: FAKE_ADMIN_KEY });
      const app = createSlackApp({
        ...slackAppOptionsFromConfig(config),
        mode,
        loader: createUsageLoader({ source: client }),
        logger: createLogger({ sink: { write: () => undefined } }),
      });
      expect(app.ctx.access.restricted).toBe(false);
      await client.close();
    } finally {
      await slack.close();
    }
  });
});
