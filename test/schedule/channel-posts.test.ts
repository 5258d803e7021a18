import type { RespondArguments, RespondFn } from "@slack/bolt";
import { WebClient } from "@slack/web-api";
import { afterEach, describe, expect, it } from "vitest";
import {
  FAKE_BOT_TOKEN,
  type FakeSlackApi,
  startFakeSlackApi,
} from "../../fakes/fake-slack-api.js";
import { createSyntheticOrg } from "../../src/demo/synthetic-org.js";
import { createSyntheticSource } from "../../src/demo/synthetic-source.js";
import { createUsageLoader } from "../../src/loading/usage-loader.js";
import { createLogger } from "../../src/log.js";
import { createReports } from "../../src/reports/index.js";
import { runAlerts } from "../../src/schedule/alerts-job.js";
import { runDigest } from "../../src/schedule/digest-job.js";
import { shareReport } from "../../src/slack/actions/share-report.js";
import type { SlackContext } from "../../src/slack/context.js";
import { cents } from "../../src/usage/money.js";
import { readBlocks } from "../support/read-blocks.js";
import { type TestStoreHandle, testDatabase } from "../support/stores.js";

/*
 * Channel posts never ping, and no notification line carries an email: every person of the org
 * is a Slack user here (so a mention could be made for anyone), and every payload the digest,
 * the alerts and a shared report send is read whole.
 */

const now = new Date("2026-11-30T09:00:00Z"); // a Monday: the weekly digest
const org = createSyntheticOrg({ users: 30, seed: 11 });
const slackUser = (email: string) => ({
  userId: `U${email.split("@")[0]?.toUpperCase()}`,
  name: `${email.split("@")[0]} (Slack)`,
});
const lookupUser = async (email: string) => slackUser(email).userId;
const lookupPerson = async (email: string) => slackUser(email);
const logger = createLogger({ sink: { write: () => undefined } });
const EMAIL = /[^\s@<>|()*_`]+@[^\s@<>|()*_`]+\.[a-z]{2,}/i;

let slack: FakeSlackApi | undefined;
let handle: TestStoreHandle | undefined;
afterEach(async () => {
  await slack?.close();
  await handle?.cleanup();
});

async function setup() {
  handle = testDatabase("sqlite");
  const store = await handle.open();
  slack = await startFakeSlackApi({ botToken: FAKE_BOT_TOKEN });
  const loader = createUsageLoader({
    source: createSyntheticSource(org),
    cache: store.dayCache,
    now: () => now,
  });
  const web = new WebClient(FAKE_BOT_TOKEN, { slackApiUrl: slack.apiUrl });
  return { store, loader, web, slack };
}

/** Every chat.postMessage into a channel (not a DM): what it would show and notify. */
function channelPosts(fake: FakeSlackApi) {
  return fake
    .callsTo("chat.postMessage")
    .filter((c) => String(c.args.channel).startsWith("C"))
    .map((c) => ({ text: String(c.args.text), payload: JSON.stringify(c.args) }));
}

describe("channel posts", () => {
  it("the weekly digest and the DMs name people without pinging; no fallback text has an email", async () => {
    const { store, loader, web, slack } = await setup();
    await runDigest(
      { date: "2026-11-30" },
      {
        loader,
        ledger: store.ledger,
        slack: web,
        lookupUser,
        lookupPerson,
        logger,
        now: () => now,
        config: {
          channels: ["CDIGEST"],
          dmMode: "all",
          timeZone: "UTC",
          weeklyOnMonday: true,
          monthlyOnFirst: true,
        },
        render: undefined,
      },
    );
    const posts = channelPosts(slack);
    expect(posts.map((p) => p.text)).toEqual([expect.stringContaining("last week")]);
    for (const post of posts) {
      expect(post.payload).toContain("(Slack)"); // names, resolved
      expect(post.payload).not.toContain("<@U");
      expect(post.text).not.toMatch(EMAIL);
    }
    // DMs may address their reader, but their notification line carries no email either.
    for (const dm of slack.callsTo("chat.postMessage")) {
      expect(String(dm.args.text)).not.toMatch(EMAIL);
    }
  });

  it("the morning alerts name people without pinging; no fallback text has an email", async () => {
    const { store, loader, web, slack } = await setup();
    await runAlerts(
      { date: "2026-11-25" }, // yesterday a weekday: several spikes
      {
        loader,
        ledger: store.ledger,
        slack: web,
        lookupUser,
        lookupPerson,
        logger,
        now: () => now,
        config: {
          channel: "CALERTS",
          budgetMonthlyCents: cents(100_00),
          // Low budgets and a low spike bar, so that every kind of alert is there.
          personalBudgets: { defaultCents: cents(5_00), overrides: new Map() },
          spike: { factor: 1.5, floorCents: cents(1_00), orgShare: 0, trailingDays: 14 },
        },
      },
    );
    const posts = channelPosts(slack);
    // The roll-up and its thread.
    expect(posts.length).toBeGreaterThanOrEqual(3);
    const all = posts.map((p) => p.payload).join("\n");
    expect(all).toContain("(Slack)");
    for (const post of posts) {
      expect(post.payload).not.toContain("<@U");
      expect(post.text).not.toMatch(EMAIL);
    }
  });

  it("a shared report names people and the sharer without pinging; its text has no email", async () => {
    await setup();
    const loader = createUsageLoader({ source: createSyntheticSource(org), now: () => now });
    const ctx: SlackContext = {
      periods: { timeZone: "UTC", maxPeriodDays: 92 },
      reports: createReports({ loader, now: () => now }),
      directory: {
        lookupByEmail: lookupPerson,
        findByEmail: lookupPerson,
        emailOf: async () => org.email(0),
        nameOf: async () => "Boss (Slack)",
        timeZoneOf: async () => null,
      },
      access: { restricted: false, isAdmin: async () => false, canSeeOrg: async () => true },
      logger,
      now: () => now,
    };
    for (const kind of ["org", "top"] as const) {
      const said: RespondArguments[] = [];
      const respond = (async (message: RespondArguments) => {
        said.push(message);
      }) as unknown as RespondFn;
      await shareReport(ctx)({
        body: {
          user: { id: "UBOSS" },
          container: { message_ts: "1.1", channel_id: "C1" },
          channel: { id: "C1" },
        },
        action: {
          value: JSON.stringify({ kind, period: "2026-11-23..2026-11-29" }),
          action_ts: `2.${kind}`,
          action_id: "share_report",
        },
        respond,
      } as unknown as Parameters<ReturnType<typeof shareReport>>[0]);
      const posted = said.find((m) => m.response_type === "in_channel");
      expect(JSON.stringify(posted)).toContain("Shared by Boss (Slack)");
      expect(readBlocks((posted as { blocks?: unknown } | undefined)?.blocks)).toContain(
        "(Slack)  $",
      );
      expect(JSON.stringify(posted)).not.toContain("<@U");
      expect(String(posted?.text)).not.toMatch(EMAIL);
    }
  });
});
