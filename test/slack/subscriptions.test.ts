import type { RespondArguments, RespondFn } from "@slack/bolt";
import { type KnownBlock, type View, WebClient } from "@slack/web-api";
import { afterEach, describe, expect, it } from "vitest";
import {
  FAKE_BOT_TOKEN,
  type FakeSlackApi,
  startFakeSlackApi,
} from "../../fakes/fake-slack-api.js";
import {
  type InputState,
  SIGNING_SECRET,
  slashCommand,
  viewAction,
  viewSubmission,
} from "../../fakes/slack-requests.js";
import { createSyntheticOrg } from "../../src/demo/synthetic-org.js";
import { createSyntheticRoster } from "../../src/demo/synthetic-roster.js";
import { createSyntheticSource } from "../../src/demo/synthetic-source.js";
import { createTeamsLoader } from "../../src/loading/teams.js";
import { createUsageLoader } from "../../src/loading/usage-loader.js";
import { createLogger } from "../../src/log.js";
import { type ViewToCheck, viewViolations } from "../../src/render/blocks/limits.js";
import {
  MAX_LISTED,
  renderSettingsView,
  renderSubscriptionList,
} from "../../src/render/blocks/subscriptions.js";
import { createReports } from "../../src/reports/index.js";
import { createSlackApp, type SlackApp } from "../../src/slack/app.js";
import {
  type ChannelAccess,
  type ChannelCheck,
  createChannelCheck,
} from "../../src/slack/channels.js";
import { answerSlashCommand } from "../../src/slack/commands/claude-usage.js";
import type { SlackContext } from "../../src/slack/context.js";
import { submitSettings } from "../../src/slack/views/settings.js";
import { StoreError } from "../../src/store/errors.js";
import type { Store } from "../../src/store/store.js";
import {
  createMemorySubscriptions,
  type Subscription,
  type Subscriptions,
} from "../../src/store/subscriptions.js";
import { readBlocks } from "../support/read-blocks.js";
import {
  TEST_DIALECTS,
  type TestDialect,
  type TestStoreHandle,
  testDatabase,
} from "../support/stores.js";

/*
 * Digest subscriptions managed in Slack: the commands' listener with a recording respond, and the
 * app end to end in HTTP mode — signed slash commands, button clicks in the modal and its
 * submissions, against the fake Slack and a real SQLite store.
 */

const now = new Date("2026-11-25T09:00:00Z");
const org = createSyntheticOrg({ users: 12, seed: 7 });
const demo = createSyntheticRoster(org);
const logger = createLogger({ sink: { write: () => undefined } });

function reports(teams = true) {
  const loader = createUsageLoader({ source: createSyntheticSource(org), now: () => now });
  return createReports({
    loader,
    now: () => now,
    teams: teams ? createTeamsLoader({ file: demo.teams }) : undefined,
  });
}

// --- The listener on its own ---

function channelCheck(map: Record<string, ChannelAccess>): ChannelCheck {
  return {
    access: async (id) => map[id] ?? { ok: false, reason: "not_found" },
    botName: async () => "claude-usage",
  };
}

function context(overrides: Partial<SlackContext> = {}): SlackContext {
  return {
    periods: { timeZone: "UTC", maxPeriodDays: 92 },
    reports: reports(),
    directory: {
      lookupByEmail: async () => null,
      findByEmail: async () => null,
      emailOf: async () => null,
      nameOf: async () => null,
      timeZoneOf: async () => null,
    },
    access: {
      restricted: true,
      adminIds: ["UADMIN"],
      isAdmin: async (userId) => userId === "UADMIN",
      canSeeOrg: async () => false,
    },
    logger,
    now: () => now,
    subscriptions: createMemorySubscriptions(() => now.getTime()),
    channels: channelCheck({
      C0ENG: { ok: true, name: "eng" },
      C0OUT: { ok: false, reason: "not_member", name: "out" },
      D0ADMIN: { ok: false, reason: "dm" },
    }),
    digestDefaults: { time: "08:30", timeZone: "Europe/Paris" },
    ...overrides,
  };
}

type Said = RespondArguments & { blocks?: KnownBlock[] };

async function ask(
  text: string,
  ctx: SlackContext,
  userId = "UADMIN",
  channelId = "C0ENG",
): Promise<Said> {
  const said: Said[] = [];
  const respond = (async (message: RespondArguments) => {
    said.push(message as Said);
  }) as unknown as RespondFn;
  const command = { text, user_id: userId, channel_id: channelId } as Parameters<
    ReturnType<typeof answerSlashCommand>
  >[0]["command"];
  await answerSlashCommand(ctx)({ command, respond });
  expect(said).toHaveLength(1);
  expect(said[0]?.response_type).toBe("ephemeral");
  return said[0] as Said;
}

describe("the subscription commands' listener", () => {
  it("an admin subscribes the channel they typed in, at DIGEST_CRON's time in DIGEST_TIMEZONE", async () => {
    const ctx = context();
    const reply = await ask("subscribe weekly backend", ctx);
    expect(reply.text).toBe(
      "Done: <#C0ENG> gets the weekly digest for Backend at 08:30 Paris. To stop it, `/claude-usage unsubscribe weekly Backend` in that channel.",
    );
    expect(await ctx.subscriptions?.list()).toMatchObject([
      {
        channel: "C0ENG",
        cadence: "weekly",
        team: "backend",
        time: "08:30",
        timeZone: "Europe/Paris",
        createdBy: "UADMIN",
      },
    ]);
    // Again: it says so; again with another time: the time changes.
    expect((await ask("subscribe weekly Backend", ctx)).text).toBe(
      "<#C0ENG> already gets the weekly digest for Backend, at 08:30 Paris. Add `at HH:MM` to change its time.",
    );
    expect((await ask("subscribe <#C0ENG|eng> weekly backend at 10:15", ctx)).text).toContain(
      "now gets the weekly digest for Backend at 10:15 Paris (it was 08:30 Paris)",
    );
    expect((await ask("subscribe weekly backend at 10:15 America/New_York", ctx)).text).toContain(
      "now gets the weekly digest for Backend at 10:15 New York (it was 10:15 Paris)",
    );
    expect(await ctx.subscriptions?.list()).toMatchObject([
      { time: "10:15", timeZone: "America/New_York" },
    ]);
    expect(await ctx.subscriptions?.list()).toHaveLength(1);
  });

  it("the bot not in the channel: how to invite it, and nothing saved", async () => {
    const ctx = context();
    const out = await ask("subscribe <#C0OUT|out> daily", ctx);
    expect(out.text).toBe(
      "I'm not in <#C0OUT> yet: type `/invite @claude-usage` there, then subscribe again.",
    );
    const hidden = await ask("subscribe <#G0PRIV> daily", ctx);
    expect(hidden.text).toContain("if it is private, type `/invite @claude-usage` in it first");
    const dm = await ask("subscribe daily", ctx, "UADMIN", "D0ADMIN");
    expect(dm.text).toContain("Digests go to channels, not direct messages");
    expect(await ctx.subscriptions?.list()).toEqual([]);
  });

  it("someone who is not an admin is told who is, and nothing changes", async () => {
    const ctx = context();
    for (const text of ["subscribe daily", "unsubscribe daily"]) {
      const reply = await ask(text, ctx, "UPERSON");
      expect(reply.text).toBe(
        "Only admins can change which channels get digests: ask <@UADMIN>, or a workspace admin.",
      );
    }
    expect(await ctx.subscriptions?.list()).toEqual([]);
    // With no admin configured, workspace admins are who to ask.
    const none = context({
      access: { restricted: false, isAdmin: async () => false, canSeeOrg: async () => true },
    });
    expect((await ask("subscribe daily", none, "UPERSON")).text).toContain(
      "ask a workspace admin or owner",
    );
    // Listing is for everyone.
    expect((await ask("subscriptions", ctx, "UPERSON")).text).toContain("No channel gets a digest");
  });

  it("a mistyped team gets the command it probably was; no teams, the org only", async () => {
    const reply = await ask("subscribe weekly backnd at 9:00", context());
    expect(reply.text).toBe("Did you mean `/claude-usage subscribe weekly Backend at 09:00`?");
    const far = await ask("subscribe weekly zzzzzz", context());
    expect(far.text).toContain(
      'I don\'t know a team "zzzzzz". Teams: Backend, Data, Mobile, Platform.',
    );
    const noTeams = await ask("subscribe weekly backend", context({ reports: reports(false) }));
    expect(noTeams.text).toContain("There are no teams here yet");
  });

  it("unsubscribe removes one cadence or all of the channel's org digests, and says when nothing matched", async () => {
    const ctx = context();
    await ask("subscribe daily", ctx);
    await ask("subscribe weekly", ctx);
    await ask("subscribe weekly data", ctx);
    expect((await ask("unsubscribe monthly", ctx)).text).toBe(
      "<#C0ENG> doesn't get the monthly digest, so nothing changed. `/claude-usage subscriptions` lists what each channel gets.",
    );
    expect((await ask("unsubscribe weekly data", ctx)).text).toBe(
      "Done: <#C0ENG> no longer gets the weekly digest for Data.",
    );
    expect((await ask("unsubscribe", ctx)).text).toBe(
      "Done: <#C0ENG> no longer gets the daily digest or the weekly digest.",
    );
    expect(await ctx.subscriptions?.list()).toEqual([]);
  });

  it("`subscriptions` lists channel, digest and time as a table; empty, it says how to add one", async () => {
    const ctx = context();
    expect((await ask("subscriptions", ctx)).text).toBe(
      "No channel gets a digest yet. Add one with `/claude-usage subscribe #channel daily` (the bot must be in the channel: `/invite @claude-usage` there first).",
    );
    await ask("subscribe daily", ctx);
    await ask("subscribe monthly platform at 7am", ctx);
    const list = await ask("subscriptions", ctx, "UPERSON");
    expect(list.text).toBe("2 digests go to 1 channel.");
    expect(readBlocks(list.blocks)).toContain(
      [
        "Channel  Digest  When",
        "<#C0ENG>  Daily · the org  08:30 Paris",
        "<#C0ENG>  Monthly · Platform  07:00 Paris",
      ].join("\n"),
    );
  });

  it("a store that fails gets the store's own reply, with a ref", async () => {
    const failing: Subscriptions = {
      ...createMemorySubscriptions(),
      add: async () => {
        throw new StoreError("/data/x.db", "save the subscription", new Error("SQLITE_BUSY"));
      },
    };
    const reply = await ask("subscribe daily", context({ subscriptions: failing }));
    expect(reply.text).toMatch(
      /^:warning: I couldn't save the subscription: .*try `\/claude-usage subscribe` again in a few minutes\. \(ref `[^`]+`\)$/,
    );
    expect(reply.text).not.toContain("/data/x.db");
  });
});

describe("the channel check (conversations.info against the fake Slack)", () => {
  it("member, not a member, private and unseen, a DM; a rate limit is thrown, not taken for 'no'", async () => {
    let limited = false;
    const slack = await startFakeSlackApi({
      channels: [
        { id: "C0ENG", name: "eng" },
        { id: "C0OUT", name: "out", isMember: false },
        { id: "G0PRIV", name: "secret", isMember: false, isPrivate: true },
        { id: "C0OLD", name: "old", isArchived: true },
      ],
      fault: (call) =>
        limited && call.method === "conversations.info"
          ? { status: 429, retryAfter: 0 }
          : undefined,
    });
    try {
      const client = new WebClient("xoxb-test", {
        slackApiUrl: slack.apiUrl,
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
      });
      const check = createChannelCheck(client);
      expect(await check.access("C0ENG")).toEqual({ ok: true, name: "eng" });
      expect(await check.access("C0OUT")).toEqual({ ok: false, reason: "not_member", name: "out" });
      expect(await check.access("G0PRIV")).toEqual({ ok: false, reason: "not_found" });
      expect(await check.access("D0SELF")).toEqual({ ok: false, reason: "dm" });
      expect(await check.access("C0OLD")).toEqual({ ok: false, reason: "archived", name: "old" });
      expect(await check.botName()).toBe("claude-usage");
      limited = true;
      await expect(check.access("C0ENG")).rejects.toThrow();
      // Asked once, remembered.
      expect(slack.callsTo("auth.test")).toHaveLength(1);
      expect(slack.callsTo("conversations.info").map((c) => c.args.channel)).not.toContain(
        "D0SELF",
      );
    } finally {
      await slack.close();
    }
  });
});

describe("the Settings submission on its own", () => {
  it("a store that fails: the reason under the channel field, in plain words, nothing else", async () => {
    const failing: Subscriptions = {
      ...createMemorySubscriptions(),
      add: async () => {
        throw new StoreError("/data/x.db", "save the subscription", new Error("SQLITE_BUSY"));
      },
    };
    const acked: unknown[] = [];
    await submitSettings(context({ subscriptions: failing }))({
      body: { user: { id: "UADMIN" } } as never,
      view: {
        private_metadata: JSON.stringify({ form: "k" }),
        state: {
          values: {
            "add_channel.k": {
              add_channel: { type: "conversations_select", selected_conversation: "C0ENG" },
            },
            "add_cadence.k": {
              add_cadence: { type: "static_select", selected_option: { value: "daily" } },
            },
          },
        },
      } as never,
      ack: async (response) => {
        acked.push(response);
      },
      client: {} as never,
    });
    expect(acked).toEqual([
      {
        response_action: "errors",
        errors: {
          "add_channel.k":
            "I couldn't save the subscription: my database is refusing it. Try again in a few minutes.",
        },
      },
    ]);
  });
});

// --- Block Kit limits ---

function subscription(i: number): Subscription {
  return {
    id: `s${i}`,
    channel: `C${String(i).padStart(6, "0")}`,
    cadence: (["daily", "weekly", "monthly"] as const)[i % 3] ?? "daily",
    team: i % 2 ? "backend" : undefined,
    time: "09:00",
    timeZone: "America/Argentina/ComodRivadavia",
    createdBy: "U1",
    createdAt: i,
  };
}

describe("the Settings modal and the list, within Block Kit's limits", () => {
  const input = {
    teams: Array.from({ length: 140 }, (_, i) => `Team ${i} ${"x".repeat(80)}`),
    defaults: { time: "09:00", timeZone: "Europe/Paris" },
    zones: [{ zone: "Europe/Paris", label: "Europe/Paris (the digests' zone)" }],
    formKey: "k1",
    command: "/claude-usage",
    botName: "claude-usage",
  };

  it("500 subscriptions and 140 long team names: the first ones, and how many more", () => {
    const view = renderSettingsView({
      ...input,
      subscriptions: Array.from({ length: 500 }, (_, i) => subscription(i)),
      notice: "x".repeat(5000),
    });
    expect(viewViolations(view)).toEqual([]);
    const text = readBlocks(view.blocks);
    expect(text).toContain(`…and ${500 - MAX_LISTED} more: \`/claude-usage subscriptions\``);
    expect(text).toContain("The first 99 teams");
  });

  it("the limits check finds what Slack would refuse", () => {
    const view = renderSettingsView({ ...input, subscriptions: [] });
    const broken = {
      ...view,
      title: { type: "plain_text" as const, text: "Settings for your digests here" },
      blocks: [
        ...Array.from({ length: 100 }, () => ({ type: "divider" as const })),
        ...view.blocks.map((b) =>
          b.type === "input" && b.element.type === "static_select"
            ? {
                ...b,
                label: { type: "plain_text" as const, text: "l".repeat(2001) },
                element: {
                  ...b.element,
                  options: Array.from({ length: 101 }, (_, i) => ({
                    text: { type: "plain_text" as const, text: `${i}`.repeat(80) },
                    value: `${i}`,
                  })),
                },
              }
            : b,
        ),
      ],
    };
    const problems = viewViolations(broken);
    expect(problems).toContain(`${broken.blocks.length} blocks`);
    expect(problems).toContain("title of 30 chars");
    expect(problems.some((p) => p.endsWith("label too long"))).toBe(true);
    expect(problems.some((p) => p.endsWith("101 options"))).toBe(true);
    expect(problems.some((p) => p.endsWith("option text too long"))).toBe(true);
  });

  it("no subscriptions and no teams: no team field, and the empty state", () => {
    const view = renderSettingsView({ ...input, teams: [], subscriptions: [] });
    expect(viewViolations(view)).toEqual([]);
    const text = readBlocks(view.blocks);
    expect(text).toContain("No channel gets a digest yet");
    expect(text).not.toContain("add_team");
  });

  it("the list of 300 falls back from a table to packed lines, within 50 blocks", () => {
    const message = renderSubscriptionList(
      Array.from({ length: 300 }, (_, i) => subscription(i)),
      { command: "/claude-usage" },
    );
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(message.blocks.some((b) => b.type === "table")).toBe(false);
    expect(readBlocks(message.blocks)).toContain("<#C000299>");
  });
});

// --- End to end: signed requests into the app in HTTP mode ---

interface Harness {
  slack: FakeSlackApi;
  app: SlackApp;
  url: string;
  store: Store;
}
let harness: Harness | undefined;
let handle: TestStoreHandle | undefined;

afterEach(async () => {
  await harness?.app.stop();
  await harness?.slack.close();
  await handle?.cleanup();
  harness = undefined;
  handle = undefined;
});

async function start(dialect: TestDialect = "sqlite"): Promise<Harness> {
  const slack = await startFakeSlackApi({
    botToken: FAKE_BOT_TOKEN,
    users: [
      { id: "UADMIN", name: "ada", tz: "America/New_York" },
      { id: "UOWNER", name: "olu", isAdmin: true },
      { id: "UPERSON", name: "per" },
    ],
    channels: [
      { id: "C0ENG", name: "eng" },
      { id: "C0OUT", name: "out", isMember: false },
      { id: "G0PRIV", name: "secret", isMember: false, isPrivate: true },
    ],
  });
  handle = testDatabase(dialect);
  const store = await handle.open();
  const app = createSlackApp({
    mode: { mode: "http", botToken: FAKE_BOT_TOKEN, signingSecret: SIGNING_SECRET, port: 0 },
    periods: { timeZone: "UTC", maxPeriodDays: 92 },
    access: { allowedUsers: [], adminUsers: ["UADMIN"] },
    slackApiUrl: slack.apiUrl,
    loader: createUsageLoader({ source: createSyntheticSource(org), now: () => now }),
    teams: createTeamsLoader({ file: demo.teams }),
    logger,
    now: () => now,
    subscriptions: store.subscriptions,
    preferences: store.preferences,
    digestDefaults: { time: "09:00", timeZone: "Europe/Paris" },
  });
  const { port } = await app.start();
  harness = { slack, app, url: `http://127.0.0.1:${port}/slack/events`, store };
  return harness;
}

async function command(h: Harness, text: string, userId = "UADMIN", channelId = "C0ENG") {
  const responseUrl = h.slack.responseUrl();
  const before = h.slack.responses.length;
  const ack = await slashCommand(h.url, {
    text,
    user_id: userId,
    channel_id: channelId,
    response_url: responseUrl,
  });
  expect(ack.status).toBe(200);
  const responses = await h.slack.waitForResponses(before + 1);
  return responses[before]?.body ?? {};
}

/** The modal last opened or updated, as the fake keeps it. */
function lastView(h: Harness) {
  const views = [...h.slack.views.values()];
  const view = views.at(-1);
  if (!view) throw new Error("no view was opened");
  return view;
}

async function waitFor(check: () => boolean, what: string) {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

const formValues = (
  key: string,
  channel: string,
  extra: { team?: string; time?: string } = {},
): Record<string, Record<string, InputState>> => ({
  [`add_channel.${key}`]: {
    add_channel: { type: "conversations_select" as const, selected_conversation: channel },
  },
  [`add_cadence.${key}`]: {
    add_cadence: { type: "static_select" as const, selected_option: { value: "weekly" } },
  },
  [`add_team.${key}`]: {
    add_team: { type: "static_select" as const, selected_option: { value: extra.team ?? "org" } },
  },
  [`add_time.${key}`]: {
    add_time: { type: "timepicker" as const, selected_time: extra.time ?? "09:00" },
  },
  [`add_zone.${key}`]: {
    add_zone: {
      type: "static_select" as const,
      selected_option: { value: "America/New_York" },
    },
  },
});

describe("subscriptions end to end (HTTP mode, SQLite)", () => {
  it.each(TEST_DIALECTS)(
    "an admin subscribes a channel the bot is in: stored; not in it: the invite hint, nothing stored (%s)",
    async (dialect) => {
      const h = await start(dialect);
      const done = await command(h, "subscribe <#C0ENG|eng> daily backend at 9:30");
      expect(done.response_type).toBe("ephemeral");
      expect(String(done.text)).toContain("<#C0ENG> gets the daily digest for Backend at 09:30");
      expect(h.slack.callsTo("conversations.info").at(-1)?.args.channel).toBe("C0ENG");
      const out = await command(h, "subscribe <#C0OUT|out> daily");
      expect(String(out.text)).toContain(
        "I'm not in <#C0OUT> yet: type `/invite @claude-usage` there",
      );
      const secret = await command(h, "subscribe <#G0PRIV|secret> daily");
      expect(String(secret.text)).toContain("if it is private");
      // A workspace owner not in ADMIN_USERS may too; someone else may not.
      expect(String((await command(h, "subscribe monthly", "UOWNER")).text)).toContain("Done");
      expect(String((await command(h, "subscribe weekly", "UPERSON")).text)).toContain(
        "Only admins can change which channels get digests: ask <@UADMIN>, or a workspace admin.",
      );
      const stored = await h.store.subscriptions.list();
      expect(stored.map((s) => [s.channel, s.cadence, s.team, s.time, s.timeZone])).toEqual([
        ["C0ENG", "daily", "backend", "09:30", "Europe/Paris"],
        ["C0ENG", "monthly", undefined, "09:00", "Europe/Paris"],
      ]);
      const list = await command(h, "subscriptions", "UPERSON");
      expect(String(list.text)).toBe("2 digests go to 1 channel.");
    },
  );

  it("the Settings modal opens from the Home tab's button; submit adds, Remove removes", async () => {
    const h = await start();
    await h.store.subscriptions.add({
      channel: "C0ENG",
      cadence: "daily",
      time: "09:00",
      timeZone: "Europe/Paris",
      createdBy: "config",
    });
    const click = await viewAction(h.url, {
      user_id: "UADMIN",
      action_id: "home_settings",
      view: { id: "VHOME", type: "home" },
    });
    expect(click.status).toBe(200);
    await waitFor(() => h.slack.views.size === 1, "views.open");
    const opened = lastView(h);
    const blocks = opened.view.blocks as KnownBlock[];
    expect(viewViolations({ ...(opened.view as unknown as ViewToCheck), blocks })).toEqual([]);
    expect(readBlocks(blocks)).toContain("Daily · the org · 09:00 Paris");
    // The creator's zone is offered after the digests' own.
    expect(readBlocks(blocks)).toContain("New York (yours)");
    const key = JSON.parse(String(opened.view.private_metadata)).form as string;

    // Not in the channel: the error under the channel field, nothing saved.
    const refused = await viewSubmission(h.url, {
      user_id: "UADMIN",
      view: {
        id: opened.id,
        callback_id: "claude_usage_settings",
        private_metadata: String(opened.view.private_metadata),
      },
      values: formValues(key, "C0OUT"),
    });
    expect(JSON.parse(refused.body)).toEqual({
      response_action: "errors",
      errors: {
        [`add_channel.${key}`]:
          "I'm not in that channel yet: type /invite @claude-usage there, then add it again.",
      },
    });

    // In the channel: saved, and the modal updated with it and an empty form.
    const added = await viewSubmission(h.url, {
      user_id: "UADMIN",
      view: {
        id: opened.id,
        callback_id: "claude_usage_settings",
        private_metadata: String(opened.view.private_metadata),
      },
      values: formValues(key, "C0ENG", { team: "team:Data", time: "16:45" }),
    });
    const answer = JSON.parse(added.body) as { response_action: string; view: View };
    expect(answer.response_action).toBe("update");
    const updated = readBlocks(answer.view.blocks);
    expect(updated).toContain("Added: <#C0ENG> gets the weekly digest for Data at 16:45 New York.");
    expect(updated).toContain("Weekly · Data · 16:45 New York");
    expect(JSON.parse(String(answer.view.private_metadata)).form).not.toBe(key);
    const stored = await h.store.subscriptions.list();
    expect(stored).toHaveLength(2);
    expect(stored[1]).toMatchObject({ cadence: "weekly", team: "data", createdBy: "UADMIN" });

    // The same again: a duplicate, said under the channel field.
    const again = await viewSubmission(h.url, {
      user_id: "UADMIN",
      view: { id: opened.id, callback_id: "claude_usage_settings" },
      values: formValues("k2", "C0ENG", { team: "team:Data" }),
    });
    expect(JSON.parse(again.body).errors["add_channel.k2"]).toBe(
      "That channel already gets the weekly digest for Data, at 16:45 New York. Remove it above to change it.",
    );

    // Remove: the store loses it and the modal is updated in place.
    const removed = await viewAction(h.url, {
      user_id: "UADMIN",
      action_id: "settings_remove",
      value: stored[0]?.id ?? "",
      view: {
        id: opened.id,
        callback_id: "claude_usage_settings",
        private_metadata: JSON.stringify({ form: "k3" }),
      },
    });
    expect(removed.status).toBe(200);
    await waitFor(() => h.slack.callsTo("views.update").length === 1, "views.update");
    const update = h.slack.callsTo("views.update")[0]?.args;
    expect(update?.view_id).toBe(opened.id);
    const after = readBlocks((update?.view as { blocks?: KnownBlock[] } | undefined)?.blocks);
    expect(after).toContain("Removed: <#C0ENG> no longer gets the daily digest.");
    expect(after).not.toContain("Daily · the org");
    // The form keeps its key: what was typed in it stays.
    expect(after).toContain('"block_id":"add_channel.k3"');
    expect(await h.store.subscriptions.list()).toHaveLength(1);
  });

  it("a non-admin is told who can (a reply, or a modal from the Home tab); their submission is refused", async () => {
    const h = await start();
    const reply = await command(h, "settings", "UPERSON");
    expect(String(reply.text)).toContain("Only admins can change");
    expect(h.slack.views.size).toBe(0);
    await viewAction(h.url, {
      user_id: "UPERSON",
      action_id: "home_settings",
      view: { id: "VHOME", type: "home" },
    });
    await waitFor(() => h.slack.views.size === 1, "views.open");
    expect(readBlocks(lastView(h).view.blocks)).toContain("Only admins can change");
    const refused = await viewSubmission(h.url, {
      user_id: "UPERSON",
      view: { id: "V1", callback_id: "claude_usage_settings" },
      values: formValues("k", "C0ENG"),
    });
    expect(JSON.parse(refused.body).errors["add_channel.k"]).toContain("Only admins");
    expect(await h.store.subscriptions.list()).toEqual([]);
  });

  it("`/claude-usage settings` by an admin opens the modal and posts no reply", async () => {
    const h = await start();
    const ack = await slashCommand(h.url, {
      text: "settings",
      user_id: "UADMIN",
      channel_id: "C0ENG",
      response_url: h.slack.responseUrl(),
    });
    expect(ack.status).toBe(200);
    await waitFor(() => h.slack.views.size === 1, "views.open");
    expect(lastView(h).view.callback_id).toBe("claude_usage_settings");
    expect(h.slack.responses).toEqual([]);
  });
});
