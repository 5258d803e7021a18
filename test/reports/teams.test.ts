import { afterEach, describe, expect, it } from "vitest";
import {
  apiErrorBody,
  FAKE_ADMIN_KEY,
  type FakeAdminApi,
  startFakeAdminApi,
} from "../../fakes/fake-admin-api.js";
import { apiRecord } from "../../fakes/records.js";
import type { UsageSource } from "../../src/anthropic/client.js";
import { createAdminClient } from "../../src/anthropic/client.js";
import { parseRecords } from "../../src/anthropic/records.js";
import { createRosterLoader } from "../../src/loading/roster.js";
import { createTeamsLoader } from "../../src/loading/teams.js";
import { createUsageLoader } from "../../src/loading/usage-loader.js";
import { createReports, TeamNotFound, TeamsNotConfigured } from "../../src/reports/index.js";
import { createMemoryDayCache } from "../../src/store/day-cache.js";
import { createMemoryFirstSeen } from "../../src/store/first-seen.js";
import { userKey } from "../../src/usage/actor-key.js";
import { parsePeriod } from "../../src/usage/periods.js";
import { UNASSIGNED } from "../../src/usage/teams.js";

const SONNET = "claude-sonnet-4-5-20250929";
const now = new Date("2026-11-25T09:00:00Z");
const yesterday = parsePeriod("yesterday", { now, timeZone: "UTC" }); // Tue 24 Nov
// Its baseline is the same weekday a week before: Tue 17 Nov.

/**
 * Ada (backend) $10 on both Tuesdays; Bob (backend and platform) $5 on the 24th only; Cy
 * (platform) $7 on the 17th only (stopped); Dee (no team) $2 on the 24th; Eve (backend) never.
 */
const source: UsageSource = {
  async *pages(day) {
    const specs = [];
    if (day === "2026-11-24" || day === "2026-11-17") {
      specs.push({
        email: "ada@x.io",
        day,
        models: [[SONNET, 1000]] as [string, number][],
        prs: 2,
      });
    }
    if (day === "2026-11-24") {
      specs.push({ email: "bob@x.io", day, models: [[SONNET, 500]] as [string, number][] });
      specs.push({ email: "dee@x.io", day, models: [[SONNET, 200]] as [string, number][] });
    }
    if (day === "2026-11-17") {
      specs.push({ email: "cy@x.io", day, models: [[SONNET, 700]] as [string, number][] });
    }
    if (day === "2026-09-01")
      specs.push({ email: "old@x.io", day, models: [[SONNET, 100]] as [string, number][] });
    const { records } = parseRecords(specs.map(apiRecord));
    yield { records, invalid: [], hasMore: false, nextPage: null };
  },
};

const file = {
  memberships: [
    { actorKey: userKey("ada@x.io"), team: "Backend", handle: "backend-team" },
    { actorKey: userKey("bob@x.io"), team: "Backend" },
    { actorKey: userKey("eve@x.io"), team: "Backend" },
    { actorKey: userKey("bob@x.io"), team: "Platform" },
    { actorKey: userKey("cy@x.io"), team: "Platform" },
  ],
  leads: [{ team: "Backend", email: "Ada@x.io" }],
};

function reports(options: { teams?: boolean } = {}) {
  const loader = createUsageLoader({ source, cache: createMemoryDayCache(), now: () => now });
  return createReports({
    loader,
    now: () => now,
    teams: options.teams === false ? undefined : createTeamsLoader({ file }),
  });
}

describe("reports.team", () => {
  it("is the team's members' numbers exactly, against the same members' baseline", async () => {
    const { team, report } = await reports().team("@backend-team", yesterday);
    expect(team.name).toBe("Backend");
    expect(report.actors.map((a) => a.name).sort()).toEqual(["ada@x.io", "bob@x.io"]);
    expect(report.totals.costCents).toBe(1500);
    expect(report.previous?.costCents).toBe(1000);
    expect(report.totals.pullRequests).toBe(2);
  });

  it("an unknown team is TeamNotFound with the names it was probably meant to be", async () => {
    const error = await reports()
      .team("backnd", yesterday)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TeamNotFound);
    expect((error as TeamNotFound).closest).toEqual(["Backend"]);
    const prefix = await reports()
      .team("plat", yesterday)
      .catch((e: unknown) => e);
    expect((prefix as TeamNotFound).closest).toEqual(["Platform"]);
    const nothing = await reports()
      .team("finance", yesterday)
      .catch((e: unknown) => e);
    expect((nothing as TeamNotFound).closest).toEqual([]);
  });

  it("without a team source, team and teams throw TeamsNotConfigured", async () => {
    const r = reports({ teams: false });
    expect(r.teamsConfigured).toBe(false);
    await expect(r.team("backend", yesterday)).rejects.toBeInstanceOf(TeamsNotConfigured);
    await expect(r.teams(yesterday)).rejects.toBeInstanceOf(TeamsNotConfigured);
    expect(await r.leadsTeam("ada@x.io", "backend")).toBe(false);
  });

  it("knows who leads which team, by email in any case and the team by name or handle", async () => {
    expect(await reports().leadsTeam("ADA@x.io", "backend")).toBe(true);
    expect(await reports().leadsTeam("ada@x.io", "@backend-team")).toBe(true);
    expect(await reports().leadsTeam("ada@x.io", "platform")).toBe(false);
    expect(await reports().leadsTeam("bob@x.io", "backend")).toBe(false);
  });
});

describe("reports.teams", () => {
  it("puts teams side by side, counts an overlap in each, and who stopped in the baseline", async () => {
    const { rows, baseline } = await reports().teams(yesterday);
    expect(baseline?.from).toBe("2026-11-17");
    const byName = new Map(rows.map((r) => [r.name, r]));
    expect(byName.get("Backend")).toMatchObject({
      members: 3,
      active: 2,
      costCents: 1500,
      previousCostCents: 1000,
      costPerActiveCents: 750,
      pullRequests: 2,
    });
    // Bob counts in Platform too; Cy stopped, and his $7 is Platform's baseline.
    expect(byName.get("Platform")).toMatchObject({
      members: 2,
      active: 1,
      costCents: 500,
      previousCostCents: 700,
    });
    expect(rows.at(-1)).toMatchObject({ name: UNASSIGNED, members: 1, costCents: 200 });
  });
});

describe("reports.personal with teams", () => {
  it("gives the person's rank in each of their teams", async () => {
    const mine = await reports().personal("bob@x.io", yesterday);
    expect(mine.teamRanks).toEqual([
      { team: "Backend", rank: 2, of: 2 },
      { team: "Platform", rank: 1, of: 1 },
    ]);
    expect((await reports().personal("dee@x.io", yesterday)).teamRanks).toEqual([]);
  });
});

let api: FakeAdminApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe("reports.seats through the fake Admin API", () => {
  const members = ["ada@x.io", "bob@x.io", "eve@x.io", "old@x.io"].map((email, i) => ({
    id: `user_${i}`,
    email,
    name: email.split("@")[0],
    role: "developer",
    added_at: "2026-01-01T00:00:00Z",
  }));

  async function seatsReports(failStatus?: number) {
    api = await startFakeAdminApi({
      members: [...members, { odd: true }],
      fault: () =>
        failStatus
          ? { status: failStatus, body: apiErrorBody("permission_error", "no") }
          : undefined,
    });
    const client = createAdminClient({
      adminKey: FAKE_ADMIN_KEY,
      baseUrl: api.url,
      maxAttempts: 1,
      backoffBaseMs: 1,
      backoffMaxMs: 2,
    });
    const firstSeen = createMemoryFirstSeen();
    await firstSeen.record("2026-09-01", [userKey("old@x.io")]);
    const loader = createUsageLoader({ source, cache: createMemoryDayCache(), now: () => now });
    return {
      reports: createReports({
        loader,
        now: () => now,
        roster: createRosterLoader({ client }),
        firstSeen,
        maxPeriodDays: 30,
      }),
      close: () => client.close(),
    };
  }

  it("counts members active, never active and idle, least used first", async () => {
    const { reports: r, close } = await seatsReports();
    try {
      const seats = await r.seats(yesterday);
      expect(seats.ok).toBe(true);
      if (!seats.ok) return;
      expect(seats.invalid).toBe(1);
      expect(seats.window).toEqual({ from: "2026-10-26", to: "2026-11-24" });
      const s = seats.summary;
      expect(s).toMatchObject({ members: 4, active: 2, never: 1, activeNotMembers: 1 });
      // Old was last seen before the window (first-seen record): idle ≥ 30 days.
      expect(s.idle).toEqual({ 14: 1, 30: 1 });
      expect(s.seats.map((seat) => seat.email)).toEqual([
        "eve@x.io",
        "old@x.io",
        "ada@x.io",
        "bob@x.io",
      ]);
    } finally {
      await close();
    }
  });

  it("a key without the members permission: says what is missing and how to fix it", async () => {
    const { reports: r, close } = await seatsReports(403);
    try {
      const seats = await r.seats(yesterday);
      expect(seats.ok).toBe(false);
      if (seats.ok) return;
      expect(seats.missing).toMatch(/cannot read the organisation's members/);
      expect(seats.fix).toMatch(/ANTHROPIC_ADMIN_KEY/);
    } finally {
      await close();
    }
  });
});
