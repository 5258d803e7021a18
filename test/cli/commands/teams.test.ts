import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { apiErrorBody } from "../../../fakes/fake-admin-api.js";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "../../../src/cli/exit-codes.js";
import { fakeApiPerTest, REPORT_DAYS, runCliCaptured } from "../../support/cli.js";

const now = new Date("2026-11-25T10:00:00Z");
const fake = fakeApiPerTest();
const dir = mkdtempSync(join(tmpdir(), "claude-usage-teams-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const teamsFile = join(dir, "teams.csv");
// Ada in Backend and Platform; the deploy key in Platform; Zed in Backend, never active.
writeFileSync(
  teamsFile,
  "email,team,manager\nada@example.com,Backend,\nzed@example.com,Backend,\nada@example.com,Platform,\ndeploy-bot,Platform,\n",
);

const members = ["ada@example.com", "zed@example.com"].map((email, i) => ({
  id: `user_${i}`,
  email,
  name: email.split("@")[0],
  role: "developer",
  added_at: "2026-01-01T00:00:00Z",
}));

const cli = async (argv: string[], env: NodeJS.ProcessEnv = {}, fault?: number) =>
  runCliCaptured(
    argv,
    {
      ...(await fake.env({
        days: REPORT_DAYS,
        members,
        fault: (request) =>
          fault && request.path.endsWith("/users")
            ? { status: fault, body: apiErrorBody("permission_error", "no") }
            : undefined,
      })),
      ...env,
    },
    now,
  );

describe("claude-usage teams", () => {
  it("prints the teams side by side, an overlap counted in each", async () => {
    const { code, stdout } = await cli(["teams", "yesterday"], { TEAMS_FILE: teamsFile });
    expect(code).toBe(EXIT_OK);
    expect(stdout).toMatch(/^Claude Code by team · yesterday · Tue 24 Nov\n/);
    expect(stdout).toMatch(/\n {2}Backend +\$\d[\d,]* +1\/2 /);
    expect(stdout).toMatch(/\n {2}Platform +\$\d[\d,]* +2\/2 /);
  });

  it("--format json has every team's numbers", async () => {
    const { stdout } = await cli(["teams", "yesterday", "--format", "json"], {
      TEAMS_FILE: teamsFile,
    });
    const rows = JSON.parse(stdout).rows as { name: string; members: number }[];
    expect(rows.map((r) => [r.name, r.members]).sort()).toEqual([
      ["Backend", 2],
      ["Platform", 2],
    ]);
  });

  it("without a team source, says how to add one (exit 2)", async () => {
    const { code, stderr } = await cli(["teams"]);
    expect(code).toBe(EXIT_USAGE);
    expect(stderr).toMatch(/no teams are configured: set TEAMS_FILE .* or TEAMS_FROM_USERGROUPS/);
  });
});

describe("claude-usage report --team", () => {
  it("is exactly the team's members", async () => {
    const { code, stdout } = await cli(
      ["report", "yesterday", "--team", "backend", "--format", "csv"],
      { TEAMS_FILE: teamsFile },
    );
    expect(code).toBe(EXIT_OK);
    const actors = stdout
      .trim()
      .split("\r\n")
      .slice(1)
      .map((line) => line.split(",")[0]);
    expect(actors).toEqual(["ada@example.com"]);
  });

  it("--format json gives each user their teams when teams are configured, and none otherwise", async () => {
    const users = async (env: NodeJS.ProcessEnv) =>
      JSON.parse((await cli(["report", "yesterday", "--format", "json"], env)).stdout).users as {
        actor: string;
        teams?: string[];
      }[];
    const withTeams = await users({ TEAMS_FILE: teamsFile });
    expect(withTeams.find((u) => u.actor === "ada@example.com")?.teams).toEqual([
      "Backend",
      "Platform",
    ]);
    // An actor in no team has an empty list, not a missing key.
    expect(withTeams.filter((u) => u.actor !== "ada@example.com").map((u) => u.teams)).toSatisfy(
      (lists: unknown[]) => lists.length > 0 && lists.every((t) => Array.isArray(t)),
    );
    const without = await users({});
    expect(without.length).toBeGreaterThan(0);
    expect(without.every((u) => !("teams" in u))).toBe(true);
  });

  it("an unknown team: did you mean (exit 2)", async () => {
    const { code, stderr } = await cli(["report", "--team", "backnd"], { TEAMS_FILE: teamsFile });
    expect(code).toBe(EXIT_USAGE);
    expect(stderr).toContain('no team "backnd". Did you mean Backend?');
  });
});

describe("claude-usage seats", () => {
  it("lists members not active, least used first", async () => {
    const { code, stdout } = await cli(["seats", "yesterday"]);
    expect(code).toBe(EXIT_OK);
    expect(stdout).toMatch(/Members +2\n {2}Active +1 +50%\n {2}Never active +1\n/);
    expect(stdout).toMatch(/\n {2}zed@example\.com +never\n/);
  });

  it("with teams, a table of seats per team: Ada counted in both of hers", async () => {
    const { stdout } = await cli(["seats", "yesterday"], { TEAMS_FILE: teamsFile });
    expect(stdout).toMatch(/\n {2}Team +Members +Active +Never +No seat\n/);
    expect(stdout).toMatch(/\n {2}Backend +2 +1 +1 +0\n {2}Platform +1 +1 +0 +0\n/);
    expect(stdout).not.toContain("Unassigned");
  });

  it("--format csv: the members not active, a never-active one with empty last day, teams", async () => {
    const { code, stdout } = await cli(["seats", "yesterday", "--format", "csv"], {
      TEAMS_FILE: teamsFile,
    });
    expect(code).toBe(EXIT_OK);
    expect(stdout.split("\r\n")).toEqual([
      "email,name,role,added_on,last_active,idle_days,teams",
      "zed@example.com,zed,developer,2026-01-01,,,Backend",
      "",
    ]);
  });

  it("a key without the members permission: what is missing and how to fix it (exit 1)", async () => {
    const { code, stderr } = await cli(["seats"], {}, 403);
    expect(code).toBe(EXIT_FAILURE);
    expect(stderr).toMatch(/cannot read the organisation's members\. .*ANTHROPIC_ADMIN_KEY/);
  });
});

describe("the CSV export's team column", () => {
  it("is there only when teams are configured, several joined with '; '", async () => {
    const out = join(dir, "with");
    await cli(["export", "yesterday", "--out", out], { TEAMS_FILE: teamsFile });
    const summary = readFileSync(join(out, "claude-usage-2026-11-24-summary.csv"), "utf8");
    const [header, ...rows] = summary.trim().split("\r\n");
    expect(header).toMatch(/^actor,actor_type,team,name,cost_usd,/);
    expect(rows.find((r) => r.startsWith("ada@example.com"))).toMatch(
      /^ada@example\.com,user,Backend; Platform,/,
    );
    const byDay = readFileSync(join(out, "claude-usage-2026-11-24-by-day.csv"), "utf8");
    expect(byDay.split("\r\n")[0]).toMatch(/^day,actor,actor_type,team,/);

    const plain = join(dir, "without");
    await cli(["export", "yesterday", "--out", plain]);
    const header2 = readFileSync(join(plain, "claude-usage-2026-11-24-summary.csv"), "utf8");
    expect(header2.split("\r\n")[0]).toMatch(/^actor,actor_type,name,cost_usd,/);
  });
});
