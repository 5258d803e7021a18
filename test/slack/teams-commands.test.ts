import type { RespondArguments, RespondFn } from "@slack/bolt";
import type { KnownBlock, TableBlock } from "@slack/web-api";
import { describe, expect, it } from "vitest";
import { AnthropicApiError } from "../../src/anthropic/errors.js";
import { createSyntheticOrg } from "../../src/demo/synthetic-org.js";
import { createSyntheticRoster } from "../../src/demo/synthetic-roster.js";
import { createSyntheticSource } from "../../src/demo/synthetic-source.js";
import { createRosterLoader } from "../../src/loading/roster.js";
import { createTeamsLoader } from "../../src/loading/teams.js";
import { createUsageLoader } from "../../src/loading/usage-loader.js";
import { createLogger } from "../../src/log.js";
import { cellText, type TableCell } from "../../src/render/blocks/table.js";
import { createReports } from "../../src/reports/index.js";
import { shareReport } from "../../src/slack/actions/share-report.js";
import { answerSlashCommand, needsOrg } from "../../src/slack/commands/claude-usage.js";
import { parseCommand } from "../../src/slack/commands/parse-command.js";
import type { SlackContext } from "../../src/slack/context.js";
import type { FileToSend } from "../../src/slack/files.js";

const now = new Date("2026-11-25T09:00:00Z");
const org = createSyntheticOrg({ users: 24, seed: 7 });
const demo = createSyntheticRoster(org);
// The demo's leads: the first person leads Backend, the second Platform.
const lead = org.email(0);

function context(
  options: { teams?: boolean; leadsSee?: boolean; rosterFails?: boolean } = {},
): SlackContext {
  const loader = createUsageLoader({ source: createSyntheticSource(org), now: () => now });
  const client = options.rosterFails
    ? {
        listMembers: async () => {
          throw new AnthropicApiError("auth", "forbidden", { status: 403 });
        },
        listApiKeys: demo.listApiKeys,
      }
    : demo;
  return {
    periods: { timeZone: "UTC", maxPeriodDays: 30 },
    reports: createReports({
      loader,
      now: () => now,
      teams: options.teams === false ? undefined : createTeamsLoader({ file: demo.teams }),
      roster: createRosterLoader({ client }),
      maxPeriodDays: 30,
    }),
    directory: {
      lookupByEmail: async () => null,
      findByEmail: async () => null,
      emailOf: async (userId) => (userId === "ULEAD" ? lead : null),
      nameOf: async () => null,
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
    teamLeadsSeeTeam: options.leadsSee,
  };
}

type Said = RespondArguments & { blocks?: KnownBlock[] };

async function ask(text: string, ctx = context(), userId = "UBOSS"): Promise<Said> {
  const said: Said[] = [];
  const respond = (async (message: RespondArguments) => {
    said.push(message as Said);
  }) as unknown as RespondFn;
  const command = { text, user_id: userId } as Parameters<
    ReturnType<typeof answerSlashCommand>
  >[0]["command"];
  await answerSlashCommand(ctx)({ command, respond });
  expect(said).toHaveLength(1);
  return said[0] as Said;
}

/** What a person reads in the blocks: text, fields and table cells. */
function read(message: Said): string {
  return (message.blocks ?? [])
    .map((block) => {
      if (block.type === "table") {
        return (block as TableBlock).rows
          .map((row) => (row as TableCell[]).map(cellText).join(" | "))
          .join("\n");
      }
      if (block.type === "section") {
        return [block.text?.text ?? "", ...(block.fields ?? []).map((f) => f.text)].join("\n");
      }
      if (block.type === "header") return block.text.text;
      if (block.type === "context") {
        return block.elements.map((e) => ("text" in e ? e.text : "")).join(" ");
      }
      return "";
    })
    .join("\n");
}

const periods = { now, timeZone: "UTC", maxDays: 92 };

describe("parsing team, teams and seats", () => {
  it("a team's name may have spaces; the rest is the period", () => {
    expect(parseCommand("team data platform last 7 days", periods)).toMatchObject({
      kind: "team",
      team: "data platform",
      periodText: "last 7 days",
    });
    expect(parseCommand("team @backend", periods)).toMatchObject({
      kind: "team",
      team: "@backend",
      periodText: "yesterday",
    });
    expect(parseCommand("teams last 30 days", periods)).toMatchObject({ kind: "teams" });
    expect(parseCommand("seats", periods)).toMatchObject({ kind: "seats" });
  });

  it("a mistyped period stays a typo, not more of the team's name; no name is help", () => {
    expect(parseCommand("team backend last 7 dyas", periods)).toMatchObject({
      kind: "help",
      suggestion: "team backend last 7 days",
    });
    expect(parseCommand("team", periods)).toMatchObject({ kind: "help", problem: /Which team/ });
    expect(parseCommand("tems", periods)).toMatchObject({ kind: "help", suggestion: "teams" });
  });
});

describe("/claude-usage teams", () => {
  it("shows teams side by side in a table, Unassigned last", async () => {
    const reply = await ask("teams last 7 days");
    const text = read(reply);
    expect(reply.blocks?.filter((b) => b.type === "table")).toHaveLength(1);
    expect(text).toMatch(/^Claude Code by team · last 7 days/);
    expect(text).toContain("Team | Spend | Change | Active | Per person | PRs");
    expect(text).toMatch(/\nBackend \| \$[\d,]+ \| [^|]+ \| \d+ of \d+ \| \$[\d,]+ \| \d+\n/);
    const rows = text.split("\n").filter((line) => line.includes(" | "));
    expect(rows.at(-1)).toMatch(/^Unassigned \| /);
    expect(String(reply.text)).toMatch(/^Claude Code by team · last 7 days .*: \w+ \$/);
  });

  it("without a team source, says how to add one in one line", async () => {
    const reply = await ask("teams", context({ teams: false }));
    expect(String(reply.text)).toMatch(
      /^No teams are set up yet: .*TEAMS_FILE.*TEAMS_FROM_USERGROUPS/,
    );
    expect(String(reply.text).split("\n")).toHaveLength(1);
  });
});

describe("/claude-usage team", () => {
  it("is the org report's renderer with the team's name in the title", async () => {
    const reply = await ask("team backend last 7 days");
    expect(read(reply)).toMatch(/^Claude Code · Backend · last 7 days/);
    expect(String(reply.text)).toMatch(/^Claude Code · Backend · last 7 days \(/);
  });

  it("an unknown team: did you mean, as a command to copy with the period kept", async () => {
    const reply = await ask("team backnd last 7 days");
    expect(String(reply.text)).toBe(
      'I don\'t know a team "backnd". Did you mean `/claude-usage team Backend last 7 days`?',
    );
    const none = await ask("team finance");
    expect(String(none.text)).toContain("Teams: Backend, Data, Mobile, Platform.");
  });
});

describe("who may ask for a team", () => {
  const cmd = (text: string) => parseCommand(text, periods);
  it("with TEAM_LEADS_SEE_TEAM, a lead sees their own team only", async () => {
    const ctx = context({ leadsSee: true });
    expect(await needsOrg(cmd("team backend"), "ULEAD", ctx)).toBe(false);
    expect(await needsOrg(cmd("team platform"), "ULEAD", ctx)).toBe(true);
    expect(await needsOrg(cmd("teams"), "ULEAD", ctx)).toBe(true);
    expect(await needsOrg(cmd("seats"), "ULEAD", ctx)).toBe(true);
    expect(await needsOrg(cmd("me"), "ULEAD", ctx)).toBe(false);
  });

  it("without it, a team is org-wide numbers", async () => {
    expect(await needsOrg(cmd("team backend"), "ULEAD", context())).toBe(true);
  });
});

describe("/claude-usage seats", () => {
  it("counts members, active, never active and idle; lists the least used in private", async () => {
    const text = read(await ask("seats last 7 days"));
    expect(text).toMatch(/^Claude Code seats · last 7 days/);
    expect(text).toMatch(
      /\d+ of 27 members\* \(\d+%\) used Claude Code in this period; \*3\* never have/,
    );
    expect(text).toContain("*Idle ≥ 14 days*");
    expect(text).toContain(
      "*Per team*\n• Backend — 7 of 7 active, 0 never\n• Data — 3 of 3 active, 0 never\n",
    );
    expect(text).toContain("• Unassigned — 3 of 6 active, 3 never\n*Least used*");
    expect(text).toContain(
      "*API keys* — 1 of 1 used in this period, least used first\n• `ci-review-bot` — $",
    );
    expect(text).toMatch(
      /in this period · workspace wrkspc_demo_ci · created by ada\.lovelace@example\.com/,
    );
    expect(text).toContain(
      "*Least used*\n• Lee Someday — never\n• Pat Idle — never\n• Sam Never — never\n• ",
    );
  });

  it("`seats csv` sends the members not active as a CSV by DM, and says so", async () => {
    const sent: { userId: string; files: FileToSend[]; comment: string }[] = [];
    const ctx: SlackContext = {
      ...context(),
      uploads: {
        toUser: async (userId, files, comment) => {
          sent.push({ userId, files: [...files], comment });
        },
        toChannel: async () => undefined,
      },
    };
    expect(parseCommand("seats csv last 7 days", periods)).toMatchObject({
      kind: "seats",
      csv: true,
      periodText: "last 7 days",
    });
    const reply = await ask("seats csv last 7 days", ctx);
    expect(String(reply.text)).toMatch(
      /^:inbox_tray: Sent you a CSV of the \d+ members not active in .* \(UTC\) in a DM\.$/,
    );
    expect(sent).toHaveLength(1);
    const [file] = sent[0]?.files ?? [];
    expect(sent[0]?.userId).toBe("UBOSS");
    const lines = String(file?.content).trimEnd().split("\r\n");
    expect(lines[0]).toBe("email,name,role,added_on,last_active,idle_days,teams");
    // The never-active members first, as the private list shows them.
    expect(lines.slice(1, 4).map((l) => l.split(",")[1])).toEqual([
      "Lee Someday",
      "Pat Idle",
      "Sam Never",
    ]);
    expect(sent[0]?.comment).toMatch(/^\d+ of 27 members did not use Claude Code in /);
    // The count in the reply is the file's rows.
    expect(String(reply.text)).toContain(`CSV of the ${lines.length - 1} members`);
    // A typo in the period still gets "did you mean".
    expect(String((await ask("seats csv last 7 dyas", ctx)).text)).toContain(
      "/claude-usage seats csv last 7 days",
    );
  });

  it("a key without the members permission: what is missing and how to fix it", async () => {
    const reply = await ask("seats", context({ rosterFails: true }));
    expect(String(reply.text)).toMatch(
      /^The admin key cannot read the organisation's members\. .*ANTHROPIC_ADMIN_KEY/,
    );
  });
});

describe("`me` in a team", () => {
  it("shows the person's rank in their team beside the org's", async () => {
    const text = JSON.stringify((await ask("me last 7 days", context(), "ULEAD")).blocks);
    expect(text).toMatch(/You're #\d+ of \d+ in your org · #\d+ of \d+ in Backend/);
  });
});

describe("sharing a team's report", () => {
  const shareValue = (message: Said): string => {
    const actions = (message.blocks ?? []).find((b) => b.type === "actions") as
      | { elements: { action_id: string; value: string }[] }
      | undefined;
    const button = actions?.elements.find((e) => e.action_id === "share_report");
    if (!button) throw new Error("no Share button");
    return button.value;
  };

  it("a team reply and the teams table carry a Share button that names the team and the dates", async () => {
    const team = JSON.parse(shareValue(await ask("team backend last 7 days")));
    expect(team).toEqual({ kind: "team", team: "Backend", period: "2026-11-18..2026-11-24" });
    const teams = JSON.parse(shareValue(await ask("teams last 7 days")));
    expect(teams).toEqual({ kind: "teams", period: "2026-11-18..2026-11-24" });
  });

  it("Share posts the team's report in the channel, titled with the team, pinging no one", async () => {
    const ctx = context();
    const value = shareValue(await ask("team backend last 7 days", ctx));
    const said: Said[] = [];
    const respond = (async (message: RespondArguments) => {
      said.push(message as Said);
    }) as unknown as RespondFn;
    await shareReport(ctx)({
      body: {
        user: { id: "UBOSS" },
        container: { message_ts: "1.1", channel_id: "C1" },
        channel: { id: "C1" },
      },
      action: { value, action_ts: "2.2", action_id: "share_report" },
      respond,
    } as unknown as Parameters<ReturnType<typeof shareReport>>[0]);
    const post = said.find((m) => m.response_type === "in_channel");
    expect(post).toBeDefined();
    expect(read(post as Said)).toContain("Claude Code · Backend · Wed 18 – Tue 24 Nov");
    expect(JSON.stringify(post)).not.toContain("<@");
    expect(JSON.stringify(post)).not.toContain("share_report");
  });
});
