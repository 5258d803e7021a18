import { describe, expect, it } from "vitest";
import { cents } from "../../src/usage/money.js";
import { parseTeamFile, TeamFileError } from "../../src/usage/team-file.js";
import { buildRoster, teamRows, UNASSIGNED } from "../../src/usage/teams.js";

const actor = (
  key: string,
  costCents: number,
  extra: Partial<{ sessions: number; pullRequests: number }> = {},
) => ({
  key,
  costCents: cents(costCents),
  sessions: extra.sessions ?? (costCents > 0 ? 1 : 0),
  linesAdded: 10,
  pullRequests: extra.pullRequests ?? 0,
});

describe("the roster", () => {
  const roster = buildRoster(
    [
      { actorKey: "user:ada@x.io", team: "Backend", costCenter: "CC-1" },
      { actorKey: "user:bo@x.io", team: "backend" },
      { actorKey: "user:ada@x.io", team: "Platform", handle: "platform-team" },
      { actorKey: "api_key:ci-deploy", team: "Platform" },
      { actorKey: "user:cy@x.io", team: "Empty " },
    ],
    [{ team: "BACKEND", email: "Lead@X.io" }],
  );

  it("one team per name whatever its case, named as first seen, ordered by name", () => {
    expect(roster.teams.map((t) => t.name)).toEqual(["Backend", "Empty", "Platform"]);
    expect([...(roster.find("backend")?.members ?? [])]).toEqual(["user:ada@x.io", "user:bo@x.io"]);
    expect(roster.find("Backend")?.managers).toEqual(["lead@x.io"]);
    expect(roster.find("backend")?.costCenters).toEqual(["CC-1"]);
  });

  it("a person in two teams is in both; a team is found by its Slack handle too", () => {
    expect(roster.teamsOf("user:ada@x.io").map((t) => t.name)).toEqual(["Backend", "Platform"]);
    expect(roster.find("@platform-team")?.name).toBe("Platform");
    expect(roster.find("frontend")).toBeUndefined();
    expect(roster.teamsOf("user:nobody@x.io")).toEqual([]);
  });

  it("per team: overlaps counted in each, Unassigned last, a team with no activity kept", () => {
    const rows = teamRows(
      [
        actor("user:ada@x.io", 1000, { pullRequests: 2 }),
        actor("user:bo@x.io", 500),
        actor("api_key:ci-deploy", 200),
        actor("user:new@x.io", 300),
      ],
      roster,
      new Map([
        ["user:ada@x.io", 800],
        ["user:cy@x.io", 400], // stopped: still in Empty's baseline
      ]),
    );
    expect(
      rows.map((r) => [r.name, r.members, r.active, r.costCents, r.previousCostCents]),
    ).toEqual([
      ["Backend", 2, 2, 1500, 800],
      ["Platform", 2, 2, 1200, 800],
      ["Empty", 1, 0, 0, 400],
      [UNASSIGNED, 1, 1, 300, 0],
    ]);
    expect(rows[0]?.costPerActiveCents).toBe(750);
    expect(rows[0]?.pullRequests).toBe(2);
    expect(rows[2]?.costPerActiveCents).toBeNull();
  });

  it("a person renamed (Slack name, or email case in the file) is the same member: keyed by email", () => {
    const file = parseTeamFile("teams.csv", "email,team\nAda.Lovelace@X.io,Research\n");
    const research = buildRoster(file.memberships);
    // The data spells the email in lower case; Slack may show any display name: the key decides.
    const rows = teamRows([actor("user:ada.lovelace@x.io", 700)], research, null);
    expect(rows.map((r) => [r.name, r.members, r.active, r.costCents])).toEqual([
      ["Research", 1, 1, 700],
    ]);
  });

  it("no baseline: no previous spend rather than zero", () => {
    const rows = teamRows([actor("user:bo@x.io", 500)], roster, null);
    expect(rows.every((r) => r.previousCostCents === null)).toBe(true);
    expect(rows.find((r) => r.name === UNASSIGNED)).toBeUndefined();
  });
});

describe("the teams file, CSV", () => {
  it("reads memberships, cost centres and leads; emails lower-cased; API keys by name", () => {
    const file = parseTeamFile(
      "teams.csv",
      '\uFEFFEmail,Team,Cost Center,Manager\nAda@X.io,backend,CC-1,lead@x.io\n\nci-deploy,platform,,\n"bo@x.io","backend",CC-1,\n',
    );
    expect(file.problems).toEqual([]);
    expect(file.memberships).toEqual([
      { actorKey: "user:ada@x.io", team: "backend", costCenter: "CC-1" },
      { actorKey: "api_key:ci-deploy", team: "platform", costCenter: undefined },
      { actorKey: "user:bo@x.io", team: "backend", costCenter: "CC-1" },
    ]);
    expect(file.leads).toEqual([{ team: "backend", email: "lead@x.io" }]);
  });

  it("bad rows are left out with their line numbers; the rest is kept", () => {
    const file = parseTeamFile(
      "teams.csv",
      [
        "email,team,manager",
        "ada@x.io,backend,",
        "not-an-email@,backend,",
        "bo@x.io,,",
        "",
        "ada@x.io,Backend,",
        "cy@x.io,backend,someone",
        "dee@x.io,backend,",
      ].join("\n"),
    );
    expect(file.memberships.map((m) => m.actorKey)).toEqual(["user:ada@x.io", "user:dee@x.io"]);
    expect(file.problems).toEqual([
      { line: 3, message: '"not-an-email@" is not an email address' },
      { line: 4, message: 'no team for "bo@x.io"' },
      { line: 6, message: '"ada@x.io" is already in team "Backend" (line 2)' },
      { line: 7, message: 'manager "someone" is not an email address' },
    ]);
  });

  it("refuses a file with unknown or missing columns, or no header, naming the line", () => {
    const refused = (text: string) => {
      try {
        parseTeamFile("teams.csv", text);
      } catch (error) {
        expect(error).toBeInstanceOf(TeamFileError);
        return (error as Error).message;
      }
      throw new Error("expected the file to be refused");
    };
    expect(refused("email,team,squad\na@x.io,b,c\n")).toBe(
      'teams.csv: line 1: unknown column "squad" (expected email, team, cost_center, manager)',
    );
    expect(refused("email\na@x.io\n")).toContain("missing column team");
    expect(refused("ada@x.io,backend\n")).toContain('unknown columns "ada@x.io", "backend"');
    expect(refused("")).toBe("teams.csv: line 1: the file is empty");
    expect(refused('email,team\n"a@x.io,backend\n')).toContain("not readable as CSV");
    expect(() => parseTeamFile("teams.txt", "email,team\n")).toThrow(/\.csv, \.yaml or \.yml/);
  });
});

describe("the teams file, YAML", () => {
  it("grouped by team, with leads and a cost centre; bad entries named by line", () => {
    const file = parseTeamFile(
      "teams.yaml",
      [
        "teams:",
        "  backend:",
        "    cost_center: CC-1",
        "    managers: [lead@x.io, nope]",
        "    members:",
        "      - Ada@X.io",
        "      - ci-deploy",
        "      - bad@",
        "  empty:",
        "    members: []",
      ].join("\n"),
    );
    expect(file.memberships).toEqual([
      { actorKey: "user:ada@x.io", team: "backend", costCenter: "CC-1" },
      { actorKey: "api_key:ci-deploy", team: "backend", costCenter: "CC-1" },
    ]);
    expect(file.leads).toEqual([{ team: "backend", email: "lead@x.io" }]);
    expect(file.problems).toEqual([
      { line: 4, message: 'manager "nope" is not an email address' },
      { line: 8, message: '"bad@" is not an email address' },
      { line: 9, message: 'team "empty" has no members' },
    ]);
  });

  it("or the CSV's rows as a list", () => {
    const file = parseTeamFile(
      "teams.yml",
      "- email: ada@x.io\n  team: backend\n  manager: lead@x.io\n- email: bo@x.io\n  team: backend\n",
    );
    expect(file.memberships.map((m) => m.actorKey)).toEqual(["user:ada@x.io", "user:bo@x.io"]);
    expect(file.leads).toEqual([{ team: "backend", email: "lead@x.io" }]);
  });

  it("refuses YAML it cannot read or of another shape, and unknown keys", () => {
    expect(() => parseTeamFile("t.yaml", "teams: [unclosed")).toThrow(
      /line 1: not readable as YAML/,
    );
    expect(() => parseTeamFile("t.yaml", "backend: [a@x.io]\n")).toThrow(/`teams:` mapping/);
    expect(() => parseTeamFile("t.yaml", "teams:\n  backend:\n    people: [a@x.io]\n")).toThrow(
      /line 3: unknown key "people" under team "backend"/,
    );
    expect(() => parseTeamFile("t.yaml", "- email: a@x.io\n  team: b\n  squad: c\n")).toThrow(
      /line 1: unknown column "squad"/,
    );
  });
});
