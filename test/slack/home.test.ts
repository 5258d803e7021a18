import { afterEach, describe, expect, it } from "vitest";
import {
  FAKE_BOT_TOKEN,
  type FakeSlackApi,
  type FakeSlackApiOptions,
  type SlackCall,
  startFakeSlackApi,
} from "../../fakes/fake-slack-api.js";
import {
  eventCallback,
  type HomeAction,
  homeAction,
  SIGNING_SECRET,
} from "../../fakes/slack-requests.js";
import type { UsageSource } from "../../src/anthropic/client.js";
import { createSyntheticOrg } from "../../src/demo/synthetic-org.js";
import { createSyntheticRoster } from "../../src/demo/synthetic-roster.js";
import { createSyntheticSource } from "../../src/demo/synthetic-source.js";
import { createTeamsLoader } from "../../src/loading/teams.js";
import { createUsageLoader } from "../../src/loading/usage-loader.js";
import { createLogger } from "../../src/log.js";
import { HOME_ACTIONS, readHomeState } from "../../src/render/blocks/home.js";
import { createSlackApp, type SlackApp, type SlackAppOptions } from "../../src/slack/app.js";
import { HOME_NOW } from "../support/home-context.js";
import { TEST_DIALECTS, type TestStoreHandle, testDatabase } from "../support/stores.js";

/*
 * The Home tab end to end in HTTP mode: app_home_opened and block_actions signed as Slack sends
 * them, into Bolt's receiver on 127.0.0.1, views.publish answered by the fake Slack (which keeps
 * each user's view and refuses a stale hash, as Slack does).
 */

const org = createSyntheticOrg({ users: 40, seed: 7 });
const users = [
  { id: "UADA", email: org.email(0), name: "ada", displayName: "Ada", tz: "Asia/Tokyo" },
  { id: "UBOSS", email: org.email(1), name: "boss", displayName: "The Boss" },
  { id: "UPEER", email: org.email(5), name: "peer", displayName: "Peer" },
];

interface Harness {
  slack: FakeSlackApi;
  app: SlackApp;
  url: string;
  logs: Record<string, unknown>[];
  /** Another app on the same fake Slack: after a restart, or another replica. */
  fresh(): Promise<{ app: SlackApp; url: string }>;
}
let harness: Harness | undefined;
const apps: SlackApp[] = [];
let stores: TestStoreHandle | undefined;

afterEach(async () => {
  for (const app of apps.splice(0)) await app.stop();
  await harness?.slack.close();
  harness = undefined;
  await stores?.cleanup();
  stores = undefined;
});

async function start(
  extra: Partial<SlackAppOptions> = {},
  slackOptions: FakeSlackApiOptions = {},
): Promise<Harness> {
  const slack = await startFakeSlackApi({ users, botToken: FAKE_BOT_TOKEN, ...slackOptions });
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: "debug",
    sink: { write: (line) => void logs.push(JSON.parse(line) as Record<string, unknown>) },
  });
  const launch = async () => {
    const app = createSlackApp({
      mode: { mode: "http", botToken: FAKE_BOT_TOKEN, signingSecret: SIGNING_SECRET, port: 0 },
      periods: { timeZone: "UTC", maxPeriodDays: 92 },
      access: { allowedUsers: ["UBOSS"] },
      slackApiUrl: slack.apiUrl,
      loader: createUsageLoader({ source: createSyntheticSource(org), now: () => HOME_NOW }),
      teams: createTeamsLoader({ file: createSyntheticRoster(org).teams }),
      logger,
      now: () => HOME_NOW,
      dm: { mode: "opt-in", defaultTime: "09:00" },
      ...extra,
    });
    apps.push(app);
    const { port } = await app.start();
    return { app, url: `http://127.0.0.1:${port}/slack/events` };
  };
  const first = await launch();
  harness = { slack, ...first, logs, fresh: launch };
  return harness;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function publishes(slack: FakeSlackApi, count: number): Promise<SlackCall[]> {
  for (let i = 0; i < 500 && slack.callsTo("views.publish").length < count; i++) await pause(20);
  const calls = slack.callsTo("views.publish");
  expect(calls.length).toBeGreaterThanOrEqual(count);
  return calls;
}

const viewOf = (call: SlackCall | undefined) =>
  (call?.args.view ?? {}) as { private_metadata?: string; blocks?: unknown[] };
const textOf = (call: SlackCall | undefined) => JSON.stringify(viewOf(call).blocks);
const isSkeleton = (call: SlackCall | undefined) => textOf(call).includes("Loading your numbers");

/** The user's Home tab as Slack shows it now, as a click from it carries it. */
function shown(slack: FakeSlackApi, userId: string) {
  const current = slack.homeViews.get(userId);
  const view = (current?.view ?? {}) as { private_metadata?: string; blocks?: unknown[] };
  return { hash: current?.hash, private_metadata: view.private_metadata, blocks: view.blocks };
}

async function click(h: Harness, userId: string, action: HomeAction, url = h.url) {
  const before = h.slack.callsTo("views.publish").length;
  const ack = await homeAction(url, { user_id: userId, action, view: shown(h.slack, userId) });
  expect(ack.status).toBe(200);
  return before;
}

async function open(h: Harness, userId: string, url = h.url, view?: Record<string, unknown>) {
  const current = view ?? h.slack.homeViews.get(userId)?.view;
  const reply = await eventCallback(url, {
    type: "app_home_opened",
    user: userId,
    channel: `D${userId}`,
    tab: "home",
    event_ts: `${Date.now() / 1000}`,
    ...(current ? { view: current } : {}),
  });
  expect(reply.status).toBe(200);
}

describe("the Home tab over HTTP", () => {
  it("opening it publishes the skeleton first, then the full view on the skeleton's hash", async () => {
    const h = await start();
    await open(h, "UBOSS");
    const [skeleton, full] = await publishes(h.slack, 2);
    expect(skeleton?.args.user_id).toBe("UBOSS");
    expect(isSkeleton(skeleton)).toBe(true);
    expect(skeleton?.args.hash).toBeUndefined();
    expect(isSkeleton(full)).toBe(false);
    expect(textOf(full)).toContain("*Your org* · last 7 days");
    expect(textOf(full)).toContain("by spend");
    // Published on the skeleton's hash: a later publish in between would have won.
    expect(full?.args.hash).toMatch(/\.hash$/);
    expect(readHomeState(viewOf(full).private_metadata)).toEqual({ p: "last 7 days", g: "org" });
  });

  it("a period chosen: at once a loading state with the choice, then the numbers; kept on reopening", async () => {
    const h = await start();
    await open(h, "UBOSS");
    await publishes(h.slack, 2);
    const at = await click(h, "UBOSS", {
      type: "static_select",
      action_id: HOME_ACTIONS.period,
      selected: "last 30 days",
    });
    const calls = await publishes(h.slack, at + 2);
    const [loading, full] = [calls[at], calls[at + 1]];
    expect(isSkeleton(loading)).toBe(true);
    expect(textOf(loading)).toContain('"text":"Last 30 days"');
    expect(textOf(full)).toContain("*Your org* · last 30 days");
    expect(readHomeState(viewOf(full).private_metadata).p).toBe("last 30 days");
    // Opening the tab again keeps the choice: Slack sends the view with the event.
    await open(h, "UBOSS");
    const again = await publishes(h.slack, at + 4);
    expect(textOf(again[at + 3])).toContain("*Your org* · last 30 days");
  });

  it("a click on an app just restarted (or another replica) reads the state from the view", async () => {
    const h = await start();
    await open(h, "UBOSS");
    await publishes(h.slack, 2);
    let at = await click(h, "UBOSS", {
      type: "static_select",
      action_id: HOME_ACTIONS.period,
      selected: "last month",
    });
    await publishes(h.slack, at + 2);
    await h.app.stop();
    apps.splice(apps.indexOf(h.app), 1);
    const restarted = await h.fresh();
    at = await click(
      h,
      "UBOSS",
      { type: "static_select", action_id: HOME_ACTIONS.team, selected: "t:Backend" },
      restarted.url,
    );
    const calls = await publishes(h.slack, at + 2);
    const full = calls[at + 1];
    expect(textOf(full)).toContain("*Your team: Backend* · last month");
    expect(readHomeState(viewOf(full).private_metadata)).toEqual({
      p: "last month",
      t: "Backend",
      g: "team",
    });
  });

  it("a click from a view whose state is unreadable, or with a period not offered, shows the default", async () => {
    const h = await start();
    const ack = await homeAction(h.url, {
      user_id: "UBOSS",
      action: { type: "static_select", action_id: HOME_ACTIONS.period, selected: "last 9000 days" },
      view: { private_metadata: "{written by an older release" },
    });
    expect(ack.status).toBe(200);
    const [, full] = await publishes(h.slack, 2);
    expect(readHomeState(viewOf(full).private_metadata)).toEqual({ p: "last 7 days", g: "org" });
  });

  it("My last 30 days: the button's value is the state it leads to", async () => {
    const h = await start();
    await open(h, "UADA");
    const [, full] = await publishes(h.slack, 2);
    const value = JSON.stringify({ p: "last 7 days", m: true });
    expect(textOf(full)).toContain(JSON.stringify(value).slice(1, -1));
    const at = await click(h, "UADA", {
      type: "button",
      action_id: HOME_ACTIONS.mine,
      value,
      block_id: "you",
    });
    const calls = await publishes(h.slack, at + 2);
    expect(textOf(calls[at + 1])).toContain("*You* · last 30 days");
    // UADA may not see the org: no org part, no rank.
    expect(textOf(calls[at + 1])).not.toContain("Your org");
    expect(textOf(calls[at + 1])).not.toContain("by spend");
  });

  it("opens racing for one user: the last skeleton's full view is what stays", async () => {
    const h = await start({}, { latencyMs: 15 });
    // Three opens at once, each from a view with another period (as after three clicks).
    const periods = ["yesterday", "last month", "this month"];
    await Promise.all(
      periods.map((p) =>
        open(h, "UBOSS", h.url, { type: "home", private_metadata: JSON.stringify({ p }) }),
      ),
    );
    await publishes(h.slack, 4);
    for (let i = 0; i < 200 && h.slack.callsTo("views.publish").length < 6; i++) await pause(20);
    const calls = h.slack.callsTo("views.publish");
    const skeletons = calls.filter(isSkeleton);
    expect(skeletons).toHaveLength(3);
    const period = (call: SlackCall | Record<string, unknown> | undefined) =>
      readHomeState(
        (call && "method" in call
          ? viewOf(call as SlackCall)
          : (call as { private_metadata?: string })
        )?.private_metadata,
      ).p;
    const last = period(skeletons[2]);
    // What stays is the full view of the last skeleton published: an older result never wins.
    const stays = h.slack.homeViews.get("UBOSS")?.view as { blocks?: unknown[] };
    expect(JSON.stringify(stays.blocks)).toContain(`*Your org* · ${last}`);
    expect(period(stays)).toBe(last);
  });

  it("a Slack error on publish is logged, not thrown", async () => {
    const h = await start(
      {},
      {
        fault: (call) =>
          call.method === "views.publish" ? { error: "not_allowed_token_type" } : undefined,
      },
    );
    await open(h, "UBOSS");
    await publishes(h.slack, 2);
    await pause(200);
    const warnings = h.logs.filter((l) => l.msg === "could not publish the Home tab");
    expect(warnings).toHaveLength(2);
    expect(h.logs.some((l) => l.msg === "unhandled error in a Slack listener")).toBe(false);
  });

  it("a report that fails: the error view in the viewer's words with a ref, the controls kept", async () => {
    const failing: UsageSource = {
      pages() {
        throw new Error("socket hang up");
      },
    };
    const h = await start({
      loader: createUsageLoader({ source: failing, now: () => HOME_NOW }),
    });
    await open(h, "UBOSS");
    const [, failed] = await publishes(h.slack, 2);
    const text = textOf(failed);
    expect(text).toMatch(/ref `[\w-]+`/);
    expect(text).toContain("Pick a period above, or open this tab again");
    expect(text).toContain(HOME_ACTIONS.period);
    expect(text).not.toContain("socket hang up");
    expect(h.logs.some((l) => l.msg === "could not answer")).toBe(true);
  });

  it("Charts: sent to the person's DM, and the Home tab says so; not for those who may not see the org", async () => {
    const h = await start();
    await open(h, "UBOSS");
    await publishes(h.slack, 2);
    let at = await click(h, "UBOSS", {
      type: "button",
      action_id: HOME_ACTIONS.charts,
      value: JSON.stringify({ p: "last 7 days" }),
    });
    let calls = await publishes(h.slack, at + 2);
    expect(textOf(calls[at])).toContain("Sending the charts to your Messages tab…");
    expect(textOf(calls[at + 1])).toContain(
      "Sent the charts for Wed 18 – Tue 24 Nov to your Messages tab.",
    );
    expect(h.slack.shared.map((s) => s.channel)).toEqual(["DBOSS"]);
    // A click forged from a view the viewer may not act on: the rule is checked again.
    await open(h, "UADA");
    await publishes(h.slack, at + 4);
    at = await click(h, "UADA", {
      type: "button",
      action_id: HOME_ACTIONS.export,
      value: JSON.stringify({ p: "last 7 days" }),
    });
    calls = await publishes(h.slack, at + 2);
    expect(textOf(calls[at + 1])).toContain(":lock:");
    expect(h.slack.shared).toHaveLength(1);
  });

  for (const dialect of TEST_DIALECTS) {
    it(`the daily DM toggle and time are saved in the store (${dialect})`, async () => {
      stores = testDatabase(dialect);
      const store = await stores.open();
      const h = await start({ preferences: store.preferences });
      await open(h, "UADA");
      const [, full] = await publishes(h.slack, 2);
      expect(textOf(full)).toContain("Daily DM: *off*");
      let at = await click(h, "UADA", {
        type: "button",
        action_id: HOME_ACTIONS.dmToggle,
        value: "on",
        block_id: "dm",
      });
      let calls = await publishes(h.slack, at + 1);
      // A setting saved: no skeleton, the view again with what was saved.
      expect(isSkeleton(calls[at])).toBe(false);
      expect(textOf(calls[at])).toContain("Daily DM: *on*");
      expect(await store.preferences.getDmPreference("UADA")).toBe("on");
      at = await click(h, "UADA", {
        type: "static_select",
        action_id: HOME_ACTIONS.dmTime,
        selected: "07:30",
        block_id: "dm_time",
      });
      calls = await publishes(h.slack, at + 1);
      expect(await store.preferences.getDmTime("UADA")).toBe("07:30");
      expect(textOf(calls[at])).toContain("comes at 07:30, in your Slack time zone");
      at = await click(h, "UADA", {
        type: "static_select",
        action_id: HOME_ACTIONS.dmTime,
        selected: "default",
        block_id: "dm_time",
      });
      calls = await publishes(h.slack, at + 1);
      expect(await store.preferences.getDmTime("UADA")).toBeUndefined();
      expect(textOf(calls[at])).toContain(
        "DM time, in your Slack time zone (Tokyo): *09:00 (the default)*",
      );
    });
  }

  it("DMs off by the admin: the toggle, if clicked from an old view, saves nothing", async () => {
    stores = testDatabase("sqlite");
    const store = await stores.open();
    const h = await start({
      preferences: store.preferences,
      dm: { mode: "off", defaultTime: "09:00" },
    });
    await open(h, "UADA");
    const [, full] = await publishes(h.slack, 2);
    expect(textOf(full)).toContain("Daily DMs are not enabled by your admin.");
    const at = await click(h, "UADA", {
      type: "button",
      action_id: HOME_ACTIONS.dmToggle,
      value: "on",
    });
    const calls = await publishes(h.slack, at + 1);
    expect(textOf(calls[at])).toContain("not enabled by your admin");
    expect(await store.preferences.getDmPreference("UADA")).toBeUndefined();
  });
});
