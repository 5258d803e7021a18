import type { KnownBlock, View } from "@slack/web-api";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_HOME_STATE,
  DM_TIMES,
  dmIsOn,
  HOME_ACTIONS,
  type HomeState,
  homeErrorView,
  homeSkeleton,
  homeView,
  homeViolations,
  MAX_HOME_BLOCKS,
  ordinal,
  readHomeState,
  writeHomeState,
} from "../../../src/render/blocks/home.js";
import { homeInput } from "../../../src/slack/home.js";
import type { Preferences } from "../../../src/store/store.js";
import { type HomeContextOptions, homeContext, teamName } from "../../support/home-context.js";

/* The Home tab's view builder: state in, a view within Block Kit's limits out. */

const text = (view: View) => JSON.stringify(view.blocks);
const actionIds = (view: View): string[] =>
  (view.blocks as KnownBlock[]).flatMap((b) => {
    if (b.type === "actions") return b.elements.map((e) => (e as { action_id: string }).action_id);
    if (b.type === "section" && b.accessory) {
      return [(b.accessory as { action_id?: string }).action_id ?? ""];
    }
    return [];
  });

function prefs(preference: "on" | "off" | undefined, time?: string): Preferences {
  return {
    getDmPreference: async () => preference,
    getDmTime: async () => time,
    setDmPreference: async () => undefined,
    setDmTime: async () => undefined,
    allDmPreferences: async () => new Map(),
    allDmTimes: async () => new Map(),
  };
}

async function view(
  userId: string,
  options: HomeContextOptions = {},
  state: HomeState = DEFAULT_HOME_STATE,
  notice?: string,
) {
  const { ctx } = homeContext(options);
  const v = homeView(await homeInput(userId, state, ctx, notice));
  expect(homeViolations(v)).toEqual([]);
  return v;
}

describe("the Home tab's view", () => {
  it("the skeleton has the same layout, the choice kept, and Loading… where numbers go", () => {
    const state: HomeState = { p: "last month", t: "Backend", g: "team" };
    const skeleton = homeSkeleton(state);
    expect(homeViolations(skeleton)).toEqual([]);
    expect(skeleton.type).toBe("home");
    expect(readHomeState(skeleton.private_metadata)).toEqual(state);
    const t = text(skeleton);
    expect(t).toContain('"initial_option":{"text":{"type":"plain_text","text":"Last month"');
    expect(t).toContain("Loading your numbers…");
    expect(t).toContain("*Your team: Backend* · last month");
    // Nothing a click could act on before the numbers: only the period select.
    expect(actionIds(skeleton)).toEqual([HOME_ACTIONS.period]);
  });

  it("for an admin with teams: controls on top, You, the org's story and top 5, settings", async () => {
    const v = await view(
      "UADA",
      {
        teams: "demo",
        admins: ["UADA"],
        budgetUsd: 500,
        dm: { mode: "opt-in", defaultTime: "09:00" },
        preferences: prefs("on", "08:30"),
      },
      DEFAULT_HOME_STATE,
      "Sent to your Messages tab.",
    );
    const blocks = v.blocks as KnownBlock[];
    expect(blocks[0]).toMatchObject({ type: "header" });
    expect(blocks[1]).toMatchObject({ type: "actions", block_id: "home_controls" });
    expect(actionIds(v)).toEqual([
      HOME_ACTIONS.period,
      HOME_ACTIONS.team,
      HOME_ACTIONS.charts,
      HOME_ACTIONS.export,
      HOME_ACTIONS.mine,
      HOME_ACTIONS.dmToggle,
      HOME_ACTIONS.dmTime,
      HOME_ACTIONS.settings,
    ]);
    const t = text(v);
    expect(t).toContain("Sent to your Messages tab.");
    expect(t).toMatch(/Spend\\n\*\$[\d.,]+\* {2}(▲|▼|≈)/);
    expect(t).toMatch(/\d+(st|nd|rd|th) of \d+ by spend/);
    expect(t).toMatch(/\d+(st|nd|rd|th) of \d+ in Backend/);
    expect(t).toContain("of your $500 budget");
    expect(t).toContain("*Your org* · last 7 days");
    expect(t).toMatch(/\$[\d,]+\*? spent/);
    expect(t).toContain("🥇");
    expect(t).toContain("5. ");
    expect(t).not.toContain("6. ");
    expect(t).toContain("Daily DM: *on*");
    expect(t).toContain("*08:30*");
    expect(t).not.toContain('"type":"table"');
    expect(readHomeState(v.private_metadata)).toEqual({ p: "last 7 days", g: "org" });
  });

  it("without org access: no rank, no org part, no charts or export, no Settings button", async () => {
    const v = await view("UADA", {
      orgViewers: [],
      teams: "demo",
      dm: { mode: "all", defaultTime: "09:00" },
    });
    const t = text(v);
    expect(t).not.toMatch(/of \d+ by spend/);
    expect(t).not.toMatch(/of \d+ in Backend/);
    expect(t).not.toContain("Your org");
    expect(actionIds(v)).toEqual([HOME_ACTIONS.period, HOME_ACTIONS.mine]);
    // No store: the settings say so rather than offer a toggle that cannot save.
    expect(t).toContain("Daily DMs are not set up");
  });

  it("a team lead (TEAM_LEADS_SEE_TEAM) sees their own team instead of the org", async () => {
    const v = await view("ULEAD", { teams: "demo", orgViewers: [], teamLeadsSeeTeam: true });
    const t = text(v);
    expect(t).toContain("*Your team: Mobile*");
    expect(t).toContain("/claude-usage team Mobile last 7 days");
    expect(t).not.toContain("Whole org");
  });

  it("a team chosen that the viewer may not see is not shown: the org instead, or nothing", async () => {
    const state: HomeState = { p: "last 7 days", t: "Backend", g: "team" };
    const lead = await view(
      "ULEAD",
      { teams: "demo", orgViewers: [], teamLeadsSeeTeam: true },
      state,
    );
    expect(text(lead)).toContain("*Your team: Mobile*");
    expect(text(lead)).not.toContain("Backend*");
    const nobody = await view("UADA", { teams: "demo", orgViewers: [] }, state);
    expect(text(nobody)).not.toContain("Your team");
    const admin = await view("UBOSS", { teams: "demo" }, state);
    expect(text(admin)).toContain("*Your team: Backend*");
  });

  it("someone without activity: their last active day, or that there was none", async () => {
    const v = await view("UNEW", { dm: { mode: "all", defaultTime: "09:00" } }, { p: "yesterday" });
    const t = text(v);
    expect(t).toContain("*You* · yesterday · Tue 24 Nov");
    expect(t).toContain("No Claude Code activity for you in this period.");
    expect(t).toContain("Nothing in the");
    expect(t).toContain("new.person@example.com");
  });

  it("nothing yet in days still arriving is not 'no activity'", async () => {
    const t = text(await view("UNEW", {}, { p: "this month" }));
    expect(t).toContain("nothing recorded yet for Tue 24 – Wed 25 Nov");
  });

  it("a viewer without an email in Slack is told why their numbers are missing", async () => {
    expect(text(await view("UNOMAIL"))).toContain("couldn't find the email of your Slack account");
  });

  it("DMs off by the admin: said so, no toggle; opt-in and all: the toggle and the time", async () => {
    const off = await view("UADA", {
      dm: { mode: "off", defaultTime: "09:00" },
      preferences: prefs("on"),
    });
    expect(text(off)).toContain("Daily DMs are not enabled by your admin.");
    expect(actionIds(off)).not.toContain(HOME_ACTIONS.dmToggle);
    const optIn = await view("UADA", {
      dm: { mode: "opt-in", defaultTime: "10:00" },
      preferences: prefs(undefined),
    });
    expect(text(optIn)).toContain("Daily DM: *off*");
    expect(text(optIn)).toContain('"text":"Turn on"');
    expect(text(optIn)).toContain("*10:00 (the default)*");
    expect(text(optIn)).toContain('"text":"Default (10:00)"');
    const all = await view("UADA", {
      dm: { mode: "all", defaultTime: "09:00" },
      preferences: prefs(undefined, "13:15"),
    });
    expect(text(all)).toContain("Daily DM: *on*");
    // A time chosen elsewhere is still shown as chosen.
    expect(text(all)).toContain('"initial_option":{"text":{"type":"plain_text","text":"13:15"');
  });

  it("DM settings the store cannot read: said so, no toggle that could not save", async () => {
    const broken = {
      ...prefs(undefined),
      getDmPreference: async () => {
        throw new Error("database is locked");
      },
    };
    const v = await view("UADA", {
      dm: { mode: "opt-in", defaultTime: "09:00" },
      preferences: broken,
    });
    expect(text(v)).toContain("can't be read right now");
    expect(actionIds(v)).not.toContain(HOME_ACTIONS.dmToggle);
  });

  it("DM times run from 06:00 to 12:00 every half hour", () => {
    expect(DM_TIMES).toHaveLength(13);
    expect(DM_TIMES[0]).toBe("06:00");
    expect(DM_TIMES[1]).toBe("06:30");
    expect(DM_TIMES.at(-1)).toBe("12:00");
    expect(dmIsOn({ mode: "all", preference: undefined })).toBe(true);
    expect(dmIsOn({ mode: "opt-in", preference: undefined })).toBe(false);
    expect(dmIsOn({ mode: "off", preference: "on" })).toBe(false);
  });

  it("My last 30 days: the You part over 30 days, the button leads back", async () => {
    const v = await view("UADA", {}, { p: "yesterday", m: true });
    const t = text(v);
    expect(t).toContain("*You* · last 30 days");
    expect(t).toContain("*Your org* · yesterday");
    expect(t).toContain('"text":"Back to yesterday"');
    const back = (v.blocks as KnownBlock[]).flatMap((b) =>
      b.type === "section" && b.accessory?.type === "button" ? [b.accessory.value] : [],
    )[0];
    expect(readHomeState(back)).toEqual({ p: "yesterday", g: "org" });
    // Already 30 days: no button that would change nothing.
    expect(actionIds(await view("UADA", {}, { p: "last 30 days" }))).not.toContain(
      HOME_ACTIONS.mine,
    );
  });

  it("a big org with many teams stays within Block Kit's limits (100 options, 100 blocks)", async () => {
    const v = await view("UBOSS", { users: 600, teams: 150, admins: ["UBOSS"] });
    const select = (v.blocks as KnownBlock[])
      .flatMap((b) => (b.type === "actions" ? b.elements : []))
      .find((e) => (e as { action_id?: string }).action_id === HOME_ACTIONS.team) as {
      options: unknown[];
    };
    expect(select.options).toHaveLength(100);
    // A team far down the list, chosen: shown as chosen all the same.
    const far = await view(
      "UBOSS",
      { users: 600, teams: 150 },
      { p: "yesterday", t: teamName(140) },
    );
    expect(text(far)).toContain(
      `"initial_option":{"text":{"type":"plain_text","text":"${teamName(140)}"`,
    );
    expect(text(far)).toContain(`*Your team: ${teamName(140)}*`);
    expect(v.blocks.length).toBeLessThanOrEqual(MAX_HOME_BLOCKS);
    expect(text(v)).toMatch(/…and \d+ more/);
  }, 60_000);

  it("the error view keeps the controls and says what happened in the viewer's words", () => {
    const v = homeErrorView({ p: "this month" }, [
      {
        type: "section",
        text: { type: "mrkdwn", text: ":warning: Usage is unavailable — ref `r1`" },
      },
    ]);
    expect(homeViolations(v)).toEqual([]);
    expect(text(v)).toContain("ref `r1`");
    expect(readHomeState(v.private_metadata)).toEqual({ p: "this month" });
  });

  it("state: unreadable or old metadata is the default view, never an error", () => {
    expect(readHomeState(undefined)).toEqual(DEFAULT_HOME_STATE);
    expect(readHomeState("{not json")).toEqual(DEFAULT_HOME_STATE);
    expect(readHomeState(JSON.stringify({ p: "last 9 years", t: 42 }))).toEqual({
      p: "last 7 days",
    });
    const state: HomeState = { p: "this month", t: "Backend", m: true, g: "team" };
    expect(readHomeState(writeHomeState(state))).toEqual(state);
  });

  it("ordinals", () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map(ordinal)).toEqual([
      "1st",
      "2nd",
      "3rd",
      "4th",
      "11th",
      "12th",
      "13th",
      "21st",
      "22nd",
      "101st",
      "111th",
    ]);
  });
});
