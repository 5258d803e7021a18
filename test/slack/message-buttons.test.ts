import type {
  BlockButtonAction,
  BlockOverflowAction,
  RespondArguments,
  RespondFn,
} from "@slack/bolt";
import type { KnownBlock } from "@slack/web-api";
import { describe, expect, it } from "vitest";
import { AnthropicApiError } from "../../src/anthropic/errors.js";
import { createSyntheticOrg } from "../../src/demo/synthetic-org.js";
import { createSyntheticRoster } from "../../src/demo/synthetic-roster.js";
import { createSyntheticSource } from "../../src/demo/synthetic-source.js";
import { createRosterLoader } from "../../src/loading/roster.js";
import { createTeamsLoader } from "../../src/loading/teams.js";
import { createUsageLoader } from "../../src/loading/usage-loader.js";
import { createLogger } from "../../src/log.js";
import { actionValue, messageActionsBlock } from "../../src/render/blocks/index.js";
import { createReports, type Reports } from "../../src/reports/index.js";
import {
  digestCharts,
  digestLastSevenDays,
  digestMyNumbers,
} from "../../src/slack/actions/digest-buttons.js";
import { DMS_STOPPED, dmLastSevenDays, dmMore } from "../../src/slack/actions/dm-buttons.js";
import type { SlackContext } from "../../src/slack/context.js";
import type { FileSender, FileToSend } from "../../src/slack/files.js";
import { StoreError } from "../../src/store/errors.js";
import type { DmPreference, Preferences } from "../../src/store/store.js";

/*
 * The digest's and DM's button listeners on their own, with a recording `respond` (the signed
 * HTTP path is in message-buttons-app.test.ts): what each says to the clicker, and how.
 */

const now = new Date("2026-11-25T09:00:00Z");
const org = createSyntheticOrg({ users: 24, seed: 7 });
const demo = createSyntheticRoster(org);
// The demo's first person leads Backend; UADA is someone else in the org's data.
const lead = org.email(0);
const ada = org.email(3);

interface Uploaded {
  userId: string;
  files: readonly FileToSend[];
  comment: string;
}

function context(overrides: Partial<SlackContext> = {}): SlackContext & { uploaded: Uploaded[] } {
  const loader = createUsageLoader({ source: createSyntheticSource(org), now: () => now });
  const uploaded: Uploaded[] = [];
  const uploads: FileSender = {
    toUser: async (userId, files, comment) => {
      uploaded.push({ userId, files, comment });
    },
    toChannel: async () => undefined,
  };
  const emails: Record<string, string> = { UADA: ada, ULEAD: lead, UBOSS: "boss@example.com" };
  return {
    uploaded,
    periods: { timeZone: "UTC", maxPeriodDays: 92 },
    reports: createReports({
      loader,
      now: () => now,
      teams: createTeamsLoader({ file: demo.teams }),
      roster: createRosterLoader({ client: demo }),
    }),
    directory: {
      lookupByEmail: async () => null,
      findByEmail: async () => null,
      emailOf: async (userId) => emails[userId] ?? null,
      nameOf: async () => null,
      timeZoneOf: async () => null,
    },
    access: {
      restricted: true,
      isAdmin: async () => false,
      canSeeOrg: async (userId) => userId === "UBOSS",
    },
    uploads,
    logger: createLogger({ sink: { write: () => undefined } }),
    now: () => now,
    stillFetchingAfterMs: 60_000,
    ...overrides,
  };
}

type Said = RespondArguments & { blocks?: KnownBlock[] };

function recorder(fail?: () => Error): { said: Said[]; respond: RespondFn } {
  const said: Said[] = [];
  const respond = async (message: RespondArguments) => {
    if (fail) throw fail();
    said.push(message as Said);
  };
  return { said, respond: respond as unknown as RespondFn };
}

const day = { from: "2026-11-24", to: "2026-11-24" };
const digestValue = (team?: string) => actionValue({ kind: "digest", period: day, team });

function click(userId: string, actionId: string, value: string, respond: RespondFn) {
  const body = {
    type: "block_actions",
    user: { id: userId },
    team: { id: "T1" },
    api_app_id: "A1",
  } as unknown as BlockButtonAction;
  const action = { type: "button", action_id: actionId, value } as BlockButtonAction["actions"][0];
  return { body, action, respond };
}

const read = (m: Said | undefined) => `${m?.text}\n${JSON.stringify(m?.blocks)}`;

/** Ephemeral, and never replacing the message the button is on. */
function expectPrivateNewMessage(m: Said | undefined) {
  expect(m?.response_type).toBe("ephemeral");
  expect(m?.replace_original).toBe(false);
}

describe("a digest's “My numbers”", () => {
  it("answers the clicker alone with their own numbers for the digest's day", async () => {
    const { said, respond } = recorder();
    await digestMyNumbers(context())(click("UADA", "digest_my_numbers", digestValue(), respond));
    expect(said).toHaveLength(1);
    expectPrivateNewMessage(said[0]);
    expect(read(said[0])).toMatch(/Tue 24 Nov.*your Claude Code cost an estimated \*\$[\d.,]+\*/);
    expect(read(said[0])).toMatch(/You're #\d+ of \d+ in your org/);
  });

  it("someone not in the org's data is told so, with how they were looked up", async () => {
    const { said, respond } = recorder();
    await digestMyNumbers(context())(click("UBOSS", "digest_my_numbers", digestValue(), respond));
    expect(read(said[0])).toContain("No Claude Code activity for you");
    expect(read(said[0])).toContain("(as boss@example.com)");
  });

  it("someone whose Slack account shows no email is told why their numbers cannot be found", async () => {
    const { said, respond } = recorder();
    await digestMyNumbers(context())(click("UNOMAIL", "digest_my_numbers", digestValue(), respond));
    expectPrivateNewMessage(said[0]);
    expect(read(said[0])).toContain("I couldn't find the email of your Slack account");
  });
});

describe("a digest's “Last 7 days”", () => {
  it("gives someone allowed the org's last 7 days, as the slash command does (Share included)", async () => {
    const { said, respond } = recorder();
    await digestLastSevenDays(context())(
      click("UBOSS", "digest_last_7_days", digestValue(), respond),
    );
    expect(said).toHaveLength(1);
    expectPrivateNewMessage(said[0]);
    expect(read(said[0])).toContain("Claude Code · last 7 days · Wed 18 – Tue 24 Nov");
    expect(read(said[0])).toContain('"action_id":"share_report"');
  });

  it("gives someone not allowed a clear line, then their own last 7 days", async () => {
    const { said, respond } = recorder();
    await digestLastSevenDays(context())(
      click("UADA", "digest_last_7_days", digestValue(), respond),
    );
    expect(said).toHaveLength(1);
    expectPrivateNewMessage(said[0]);
    const [lock, ...rest] = said[0]?.blocks ?? [];
    expect(JSON.stringify(lock)).toContain(
      ":lock: The org's numbers are limited to a few people here, so here are your own last 7 days.",
    );
    expect(JSON.stringify(rest)).toMatch(/In the last 7 days \(Wed 18 – Tue 24 Nov\) your Claude/);
    expect(JSON.stringify(rest)).not.toContain("Top spenders");
  });

  it("on a team digest, answers for the team: its lead sees it with TEAM_LEADS_SEE_TEAM", async () => {
    const { said, respond } = recorder();
    const ctx = context({ teamLeadsSeeTeam: true });
    await digestLastSevenDays(ctx)(
      click("ULEAD", "digest_last_7_days", digestValue("Backend"), respond),
    );
    expect(read(said[0])).toContain("Claude Code · Backend · last 7 days");
  });

  it("on a team digest, someone neither allowed nor its lead gets their own numbers", async () => {
    const { said, respond } = recorder();
    await digestLastSevenDays(context())(
      click("ULEAD", "digest_last_7_days", digestValue("Backend"), respond),
    );
    expect(read(said[0])).toContain(
      ":lock: Backend's numbers are limited to a few people here, so here are your own last 7 days.",
    );
  });

  it("a team gone since the digest was posted is said with the teams there are", async () => {
    const { said, respond } = recorder();
    await digestLastSevenDays(context())(
      click("UBOSS", "digest_last_7_days", digestValue("Frontend Guild"), respond),
    );
    expectPrivateNewMessage(said[0]);
    expect(read(said[0])).toContain("Frontend Guild");
    expect(read(said[0])).toMatch(/Backend/);
  });
});

describe("a digest's “Charts”", () => {
  it("sends the period's charts by DM, as `chart` does, and says so privately", async () => {
    const { said, respond } = recorder();
    const ctx = context();
    await digestCharts(ctx)(click("UBOSS", "digest_charts", digestValue(), respond));
    expect(ctx.uploaded).toHaveLength(1);
    expect(ctx.uploaded[0]?.userId).toBe("UBOSS");
    expect(ctx.uploaded[0]?.files.map((f) => f.filename)).toEqual([
      "claude-usage-top-2026-11-24.png",
    ]);
    expectPrivateNewMessage(said[0]);
    expect(read(said[0])).toContain(
      ":bar_chart: Sent you the top spenders of 2026-11-24 (UTC) in a DM",
    );
  });

  it("a week's digest gets both charts; a team's, the team's", async () => {
    const week = actionValue({
      kind: "digest",
      period: { from: "2026-11-16", to: "2026-11-22" },
      team: "Backend",
    });
    const { said, respond } = recorder();
    const ctx = context();
    await digestCharts(ctx)(click("UBOSS", "digest_charts", week, respond));
    expect(ctx.uploaded[0]?.files).toHaveLength(2);
    expect(ctx.uploaded[0]?.comment).toBe(
      "Claude Code charts, Backend, 2026-11-16 to 2026-11-22 (UTC).",
    );
    expect(read(said[0])).toContain(
      "Sent you the charts for 2026-11-16 to 2026-11-22 (UTC) in a DM",
    );
  });

  it("someone not allowed gets no chart: a clear line and their own numbers for the period", async () => {
    const { said, respond } = recorder();
    const ctx = context();
    await digestCharts(ctx)(click("UADA", "digest_charts", digestValue(), respond));
    expect(ctx.uploaded).toHaveLength(0);
    expect(read(said[0])).toContain(
      ":lock: The org's charts are limited to a few people here, so here are your own numbers for Tue 24 Nov.",
    );
  });
});

describe("a button whose value this version cannot use", () => {
  it.each([
    ["not JSON", "{oops", "its value is not JSON", "me"],
    [
      "a newer version",
      JSON.stringify({ v: 2, from: "2026-11-24", to: "2026-11-24" }),
      "it is from a newer version of the app",
      "me",
    ],
    [
      "no version",
      JSON.stringify({ kind: "org", period: "2026-11-24..2026-11-24" }),
      "its value has no version this app knows",
      "me",
    ],
    [
      "a bad date",
      JSON.stringify({ v: 1, from: "24 Nov", to: "2026-11-24" }),
      "from: not a YYYY-MM-DD date",
      "me",
    ],
    [
      "a period in the future",
      JSON.stringify({ v: 1, from: "2026-11-24", to: "2026-12-24" }),
      "2026-12-24 is in the future",
      "me",
    ],
  ])("(%s) gets the reason and the command that does the same", async (_, value, reason, cmd) => {
    let asked = 0;
    const base = context();
    const reports: Reports = {
      ...base.reports,
      personal: async (...args) => {
        asked++;
        return base.reports.personal(...args);
      },
    };
    const { said, respond } = recorder();
    await digestMyNumbers({ ...base, reports })(click("UADA", "digest_my_numbers", value, respond));
    expect(said).toHaveLength(1);
    expectPrivateNewMessage(said[0]);
    expect(said[0]?.text).toContain("This button no longer works (");
    expect(said[0]?.text).toContain(reason);
    expect(said[0]?.text).toContain(`\`/claude-usage ${cmd}\` gives the same answer.`);
    expect(asked).toBe(0);
  });
});

describe("how a click is answered", () => {
  it("a slow answer: a note first, then the answer as a new message (the digest is never replaced)", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const base = context();
    const reports: Reports = {
      ...base.reports,
      org: async (period, options) => {
        options?.onProgress?.({ done: 2, total: 14 });
        await gate;
        return base.reports.org(period, options);
      },
    };
    const { said, respond } = recorder();
    const answered = digestLastSevenDays({ ...base, reports, stillFetchingAfterMs: 5 })(
      click("UBOSS", "digest_last_7_days", digestValue(), respond),
    );
    for (let i = 0; i < 200 && said.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(said.map((m) => m.text)).toEqual([
      "Fetching 2 of 14 days for Wed 18 – Tue 24 Nov, the first time from Anthropic's API…",
    ]);
    expectPrivateNewMessage(said[0]);
    release();
    await answered;
    expect(said).toHaveLength(2);
    expectPrivateNewMessage(said[1]);
    expect(read(said[1])).toContain("Claude Code · last 7 days");
  });

  it("a report that fails is said in the clicker's words with a reference", async () => {
    const base = context();
    const reports: Reports = {
      ...base.reports,
      org: async () => {
        throw new AnthropicApiError("unavailable", "upstream 503", { status: 503 });
      },
    };
    const { said, respond } = recorder();
    await digestLastSevenDays({ ...base, reports })(
      click("UBOSS", "digest_last_7_days", digestValue(), respond),
    );
    expectPrivateNewMessage(said[0]);
    expect(read(said[0])).toContain("Usage is unavailable right now");
    expect(read(said[0])).toMatch(/ref/);
  });

  it("a response_url Slack no longer takes (404, expired) is logged, and nothing throws", async () => {
    const lines: string[] = [];
    const ctx = context({
      logger: createLogger({ sink: { write: (l) => lines.push(l) } }),
    });
    const expired = () =>
      // As Bolt's respond throws it.
      Object.assign(new Error("Failed to respond to the response_url: 404 Not Found"), {
        code: "slack_bolt_respond_error",
        statusCode: 404,
      });
    const { respond } = recorder(expired);
    await expect(
      digestMyNumbers(ctx)(click("UADA", "digest_my_numbers", digestValue(), respond)),
    ).resolves.toBeUndefined();
    const warning = lines.map((l) => JSON.parse(l)).find((l) => l.status === 404);
    expect(warning?.msg).toContain("Slack refused its response_url");
    expect(warning?.action).toBe("digest_my_numbers");
  });
});

describe("a DM's “My last 7 days”", () => {
  it("gives the person their own week", async () => {
    const { said, respond } = recorder();
    const value = actionValue({ kind: "dm", period: day });
    await dmLastSevenDays(context())(click("UADA", "dm_last_7_days", value, respond));
    expectPrivateNewMessage(said[0]);
    expect(read(said[0])).toMatch(/In the last 7 days \(Wed 18 – Tue 24 Nov\) your Claude Code/);
  });
});

describe("a DM's menu", () => {
  function memoryPreferences(fails = false): Preferences & { set: Map<string, DmPreference> } {
    const set = new Map<string, DmPreference>();
    return {
      set,
      getDmPreference: async (id) => set.get(id),
      setDmPreference: async (id, value) => {
        if (fails)
          throw new StoreError("sqlite", "save your DM preference", new Error("SQLITE_BUSY"));
        set.set(id, value);
      },
      allDmPreferences: async () => set,
      getDmTime: async () => undefined,
      setDmTime: async () => undefined,
      allDmTimes: async () => new Map(),
    };
  }

  const dmBlocks: KnownBlock[] = [
    { type: "section", text: { type: "mrkdwn", text: "Good morning! Yesterday your …" } },
    messageActionsBlock({ kind: "dm", period: day }),
  ];

  function pick(value: string, respond: RespondFn, withMessage = true) {
    const body = {
      type: "block_actions",
      user: { id: "UADA" },
      team: { id: "T1" },
      api_app_id: "A1",
      ...(withMessage
        ? { message: { ts: "1.1", text: "Yesterday: $12.00", blocks: dmBlocks } }
        : {}),
    } as unknown as BlockOverflowAction;
    const action = {
      type: "overflow",
      action_id: "dm_more",
      selected_option: { text: { type: "plain_text", text: value }, value },
    } as BlockOverflowAction["actions"][0];
    return { body, action, respond };
  }

  it("“Stop these DMs” turns them off and puts a confirmation where the buttons were", async () => {
    const preferences = memoryPreferences();
    const { said, respond } = recorder();
    await dmMore(context({ preferences }))(pick("stop_dms", respond));
    expect(preferences.set.get("UADA")).toBe("off");
    expect(said).toHaveLength(1);
    expect(said[0]?.replace_original).toBe(true);
    expect(said[0]?.text).toBe("Yesterday: $12.00");
    const blocks = said[0]?.blocks ?? [];
    expect(blocks.map((b) => b.type)).toEqual(["section", "context"]);
    expect(JSON.stringify(blocks[1])).toContain(
      "You won't get these DMs any more. `/claude-usage dm on` to start again.",
    );
    expect(DMS_STOPPED).toBe(
      "You won't get these DMs any more. `/claude-usage dm on` to start again.",
    );
  });

  it("without the DM's blocks, the confirmation comes privately", async () => {
    const preferences = memoryPreferences();
    const { said, respond } = recorder();
    await dmMore(context({ preferences }))(pick("stop_dms", respond, false));
    expect(preferences.set.get("UADA")).toBe("off");
    expectPrivateNewMessage(said[0]);
    expect(said[0]?.text).toBe(DMS_STOPPED);
  });

  it("when the store fails, the DM stays as it is and the person is told to try again", async () => {
    const { said, respond } = recorder();
    await dmMore(context({ preferences: memoryPreferences(true) }))(pick("stop_dms", respond));
    expectPrivateNewMessage(said[0]);
    expect(said[0]?.text).toContain("I couldn't save your DM preference");
    expect(said[0]?.text).toContain("`/claude-usage dm off`");
  });

  it("without a store, says DMs are not set up here", async () => {
    const { said, respond } = recorder();
    await dmMore(context())(pick("stop_dms", respond));
    expectPrivateNewMessage(said[0]);
    expect(said[0]?.text).toContain("not set up");
  });

  it("“Change the time” points to the Home tab, linked", async () => {
    const { said, respond } = recorder();
    await dmMore(context())(pick("change_time", respond));
    expectPrivateNewMessage(said[0]);
    expect(said[0]?.text).toContain("<slack://app?team=T1&id=A1&tab=home|Home tab>");
  });

  it("an option this version does not know gets the commands that work", async () => {
    const { said, respond } = recorder();
    await dmMore(context())(pick("snooze_week", respond));
    expectPrivateNewMessage(said[0]);
    expect(said[0]?.text).toContain("`/claude-usage dm off` stops these DMs");
  });
});
