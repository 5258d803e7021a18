import type { RespondArguments, RespondFn } from "@slack/bolt";
import { describe, expect, it } from "vitest";
import { createSyntheticOrg } from "../../src/demo/synthetic-org.js";
import { createSyntheticSource } from "../../src/demo/synthetic-source.js";
import { createUsageLoader } from "../../src/loading/usage-loader.js";
import { createLogger } from "../../src/log.js";
import { DEFAULT_HOME_STATE, homeView } from "../../src/render/blocks/home.js";
import { createReports, type Reports } from "../../src/reports/index.js";
import { shareReport } from "../../src/slack/actions/share-report.js";
import { answerSlashCommand } from "../../src/slack/commands/claude-usage.js";
import type { SlackContext } from "../../src/slack/context.js";
import { homeInput } from "../../src/slack/home.js";
import { ackFirst, orgAccessOnly } from "../../src/slack/middleware.js";
import { parsePeriod } from "../../src/usage/periods.js";

/*
 * The listener callbacks on their own, with a recording `respond` and `ack` instead of signed
 * HTTP (test/slack/app.test.ts keeps the end-to-end path): what each says, and when.
 */

const now = new Date("2026-11-25T09:00:00Z");
const org = createSyntheticOrg({ users: 12, seed: 7 });
const email = org.email(0);

function context(overrides: Partial<SlackContext> = {}): SlackContext {
  const loader = createUsageLoader({ source: createSyntheticSource(org), now: () => now });
  return {
    periods: { timeZone: "UTC", maxPeriodDays: 92 },
    reports: createReports({ loader, now: () => now }),
    directory: {
      lookupByEmail: async () => null,
      findByEmail: async () => null,
      emailOf: async (userId) => (userId === "UADA" ? email : null),
      nameOf: async (userId) => (userId === "UBOSS" ? "The Boss" : null),
      timeZoneOf: async () => null,
    },
    access: {
      restricted: true,
      isAdmin: async () => false,
      canSeeOrg: async (userId) => userId === "UBOSS",
    },
    logger: createLogger({ sink: { write: () => undefined } }),
    now: () => now,
    stillFetchingAfterMs: 60_000,
    ...overrides,
  };
}

/** What a listener said through `respond`, in order. */
type Said = RespondArguments & { blocks?: unknown };

function recorder(): { said: Said[]; respond: RespondFn } {
  const said: Said[] = [];
  const respond = async (message: string | RespondArguments) => {
    said.push(typeof message === "string" ? { text: message } : message);
  };
  // Bolt's respond resolves with the HTTP response; nothing here reads it.
  return { said, respond: respond as unknown as RespondFn };
}

const command = (text: string | undefined, userId = "UADA") =>
  ({ text, user_id: userId }) as Parameters<ReturnType<typeof answerSlashCommand>>[0]["command"];

describe("the slash command's listener", () => {
  it("`me` answers once, ephemerally, with the person's own report", async () => {
    const { said, respond } = recorder();
    await answerSlashCommand(context())({ command: command("me yesterday"), respond });
    expect(said).toHaveLength(1);
    expect(said[0]?.response_type).toBe("ephemeral");
    expect(String(said[0]?.text)).toMatch(/^Yesterday: \$[\d.,]+.* · \d+ Claude Code sessions/);
    expect(JSON.stringify(said[0]?.blocks)).toMatch(/You're #\d+ of \d+ in your org/);
  });

  it("`me` for someone with no activity names their last active day, or says there was none", async () => {
    const { said, respond } = recorder();
    const ctx = context({
      directory: {
        lookupByEmail: async () => null,
        findByEmail: async () => null,
        emailOf: async () => "nobody@example.com",
        nameOf: async () => null,
        timeZoneOf: async () => null,
      },
    });
    await answerSlashCommand(ctx)({ command: command("me yesterday"), respond });
    expect(String(said[0]?.text)).toContain("No Claude Code activity for you yesterday");
    expect(JSON.stringify(said[0]?.blocks)).toContain("Nothing in the 90 days before either.");
  });

  it("a body without text is the org report; `top constructor` is help, not 'Top by undefined'", async () => {
    const { said, respond } = recorder();
    const ctx = context();
    await answerSlashCommand(ctx)({ command: command(undefined, "UBOSS"), respond });
    await answerSlashCommand(ctx)({ command: command("top constructor", "UBOSS"), respond });
    expect(said).toHaveLength(2);
    expect(String(said[0]?.text)).toMatch(/^Claude Code on /);
    expect(JSON.stringify(said[1])).not.toContain("undefined");
    expect(JSON.stringify(said[1]?.blocks)).toContain("`/claude-usage me` — just you");
  });

  it("a slow cold answer says how many of its days are in", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const base = context();
    const slow: Reports = {
      ...base.reports,
      org: async (period, options) => {
        options?.onProgress?.({ done: 3, total: 14 });
        await gate;
        return base.reports.org(period, options);
      },
    };
    const { said, respond } = recorder();
    const answered = answerSlashCommand({ ...base, reports: slow, stillFetchingAfterMs: 5 })({
      command: command("last 7 days", "UBOSS"),
      respond,
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(said.map((m) => m.text)).toEqual([
      "Fetching 3 of 14 days for Wed 18 – Tue 24 Nov, the first time from Anthropic's API…",
    ]);
    release();
    await answered;
    expect(said[1]?.replace_original).toBe(true);
  });

  it("a slow answer: a note first, then the answer replacing it", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const base = context();
    const slow: Reports = {
      ...base.reports,
      org: async (...args) => {
        await gate;
        return base.reports.org(...args);
      },
    };
    const { said, respond } = recorder();
    const answered = answerSlashCommand({ ...base, reports: slow, stillFetchingAfterMs: 5 })({
      command: command("last 7 days", "UBOSS"),
      respond,
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(said.map((m) => m.text)).toEqual([
      "Still fetching the numbers for Wed 18 – Tue 24 Nov…",
    ]);
    release();
    await answered;
    expect(said).toHaveLength(2);
    expect(said[1]?.replace_original).toBe(true);
    expect(String(said[1]?.text)).toMatch(/^Claude Code last 7 days/);
  });

  it("a failing report is a reason and a reference id, never a throw", async () => {
    const base = context();
    const broken: Reports = {
      ...base.reports,
      org: async () => {
        throw new Error("boom");
      },
    };
    const { said, respond } = recorder();
    await answerSlashCommand({ ...base, reports: broken })({
      command: command("last 7 days", "UBOSS"),
      respond,
    });
    expect(String(said[0]?.text)).toMatch(/^Something went wrong on my side\..*ref `[0-9a-f]{6}`$/);
  });
});

describe("listener middleware", () => {
  it("ackFirst acknowledges before the rest runs", async () => {
    const order: string[] = [];
    await ackFirst({
      ack: async () => void order.push("ack"),
      next: async () => void order.push("next"),
    } as unknown as Parameters<typeof ackFirst>[0]);
    expect(order).toEqual(["ack", "next"]);
  });

  it("orgAccessOnly: someone not allowed is told so and the listener does not run", async () => {
    const { said, respond } = recorder();
    let ran = 0;
    const middleware = orgAccessOnly(context());
    const run = (userId: string) =>
      middleware({
        body: { user_id: userId },
        respond,
        next: async () => {
          ran++;
        },
      } as unknown as Parameters<typeof middleware>[0]);
    await run("UADA");
    expect(ran).toBe(0);
    expect(said[0]).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(String(said[0]?.text)).toContain("limited to a few people");
    await run("UBOSS");
    expect(ran).toBe(1);
    expect(said).toHaveLength(1);
  });

  it("orgAccessOnly asks nobody when the request shows no org numbers", async () => {
    let asked = 0;
    const ctx = context({
      access: {
        restricted: true,
        isAdmin: async () => false,
        canSeeOrg: async () => {
          asked++;
          return false;
        },
      },
    });
    let ran = 0;
    const middleware = orgAccessOnly(ctx, () => false);
    await middleware({
      body: { user_id: "UADA" },
      respond: recorder().respond,
      next: async () => {
        ran++;
      },
    } as unknown as Parameters<typeof middleware>[0]);
    expect({ asked, ran }).toEqual({ asked: 0, ran: 1 });
  });
});

describe("the Share button's listener", () => {
  const click = (value: string) =>
    ({
      body: {
        user: { id: "UBOSS" },
        container: { message_ts: "1.1", channel_id: "C1" },
        channel: { id: "C1" },
      },
      action: { value, action_ts: "2.2", action_id: "share_report" },
    }) as unknown as Omit<Parameters<ReturnType<typeof shareReport>>[0], "respond">;

  it("posts the report in the channel, saying who shared it", async () => {
    const { said, respond } = recorder();
    await shareReport(context())({
      ...click(JSON.stringify({ kind: "org", period: "2026-11-18..2026-11-24" })),
      respond,
    });
    expect(said).toHaveLength(2);
    expect(said[0]).toMatchObject({ response_type: "in_channel", replace_original: false });
    expect(JSON.stringify(said[0]?.blocks)).toContain("Shared by The Boss");
    expect(JSON.stringify(said[0])).not.toContain("<@");
    // Then the private copy, replaced without its button.
    expect(said[1]).toMatchObject({ response_type: "ephemeral", replace_original: true });
    expect(JSON.stringify(said[1]?.blocks)).toContain("Shared in <#C1>");
    expect(JSON.stringify(said[1]?.blocks)).not.toContain("share_report");
  });

  it("a shared report counts who stopped and names none of them; the asker's own reply does", async () => {
    // A larger org, in which someone active the week before was not this week.
    const larger = () => {
      const source = createSyntheticSource(createSyntheticOrg({ users: 30, seed: 7 }));
      const loader = createUsageLoader({ source, now: () => now });
      return context({ reports: createReports({ loader, now: () => now }) });
    };
    const period = "2026-11-18..2026-11-24";
    const report = await larger().reports.org(parsePeriod(period, { now, timeZone: "UTC" }));
    const stopped = report.adoption?.stoppedUsers ?? [];
    expect(stopped.length).toBeGreaterThan(0);

    const shared = recorder();
    await shareReport(larger())({
      ...click(JSON.stringify({ kind: "org", period })),
      respond: shared.respond,
    });
    const post = JSON.stringify(shared.said[0]);
    expect(post).toContain("active the week before");
    for (const name of stopped) expect(post).not.toContain(name);

    const own = recorder();
    await answerSlashCommand(larger())({
      command: command(period, "UBOSS"),
      respond: own.respond,
    });
    expect(own.said.at(-1)?.response_type).toBe("ephemeral");
    expect(JSON.stringify(own.said.at(-1))).toContain(stopped[0]);
  });

  it("a value it cannot rebuild gets the reason, ephemerally", async () => {
    const { said, respond } = recorder();
    await shareReport(context())({ ...click("{not json"), respond });
    expect(said[0]?.response_type).toBe("ephemeral");
    expect(String(said[0]?.text)).toContain("its value is not JSON");
  });
});

describe("the Home tab", () => {
  it("compares the viewer's week as `me` does: per active day, against their usual day, in words", async () => {
    const ctx = context();
    const home = JSON.stringify(homeView(await homeInput("UADA", DEFAULT_HOME_STATE, ctx)));
    const me = recorder();
    await answerSlashCommand(ctx)({ command: command("me last 7 days"), respond: me.respond });
    const sentence = /\$[\d.,]+ a day over \d+ active days, [^·*"—]*your usual[^·*"—]*\)/;
    expect(home).toMatch(sentence);
    // The same words as the slash command's `me` for the same week.
    const said = JSON.stringify(me.said[0]?.blocks);
    expect(sentence.exec(home)?.[0]).toBe(sentence.exec(said)?.[0]);
  });
});
