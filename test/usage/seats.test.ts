import { describe, expect, it } from "vitest";
import { seatsOf, teamSeatsOf } from "../../src/usage/seats.js";

const member = (email: string, name: string | null = null) => ({
  email,
  name,
  role: "developer",
  addedOn: "2026-01-01",
});

describe("seats", () => {
  const last: Record<string, string> = {
    "ada@x.io": "2026-11-30",
    "bo@x.io": "2026-11-10", // 20 days idle
    "cy@x.io": "2026-10-01", // 60 days idle
    "left@x.io": "2026-11-29", // active, but no longer a member
  };
  const summary = seatsOf({
    members: [member("Ada@X.io", "Ada"), member("bo@x.io"), member("cy@x.io"), member("dee@x.io")],
    lastActive: (email) => last[email],
    activeInPeriod: new Set(["ada@x.io", "left@x.io"]),
    through: "2026-11-30",
  });

  it("counts members, active ones, never-active ones and idle seats at 14 and 30 days", () => {
    expect(summary).toMatchObject({
      members: 4,
      active: 1,
      never: 1,
      idle: { 14: 2, 30: 1 },
      activeNotMembers: 1,
    });
  });

  it("lists the least used first: never, then longest idle; emails lower-cased", () => {
    expect(summary.seats.map((s) => [s.email, s.lastActive, s.idleDays, s.activeInPeriod])).toEqual(
      [
        ["dee@x.io", null, null, false],
        ["cy@x.io", "2026-10-01", 60, false],
        ["bo@x.io", "2026-11-10", 20, false],
        ["ada@x.io", "2026-11-30", 0, true],
      ],
    );
  });

  it("an org with no members is all zeros, not an error", () => {
    expect(
      seatsOf({
        members: [],
        lastActive: () => undefined,
        activeInPeriod: new Set(),
        through: "2026-11-30",
      }),
    ).toEqual({
      members: 0,
      active: 0,
      never: 0,
      idle: { 14: 0, 30: 0 },
      activeNotMembers: 0,
      seats: [],
    });
  });
});

describe("seats per team", () => {
  const { seats } = seatsOf({
    members: [member("ada@x.io"), member("bo@x.io"), member("cy@x.io"), member("dee@x.io")],
    lastActive: (email) => ({ "ada@x.io": "2026-11-30", "bo@x.io": "2026-10-01" })[email],
    activeInPeriod: new Set(["ada@x.io"]),
    through: "2026-11-30",
  });
  const team = (name: string, ...keys: string[]) => ({ name, members: new Set(keys) });

  it("counts a person in two teams in each, a member without a seat apart, the rest Unassigned", () => {
    const rows = teamSeatsOf(seats, [
      team("Backend", "user:Ada@x.io", "user:bo@x.io", "user:gone@x.io", "api_key:ci"),
      team("Platform", "user:ada@x.io"),
    ]);
    expect(rows).toEqual([
      { team: "Backend", members: 2, active: 1, never: 0, withoutSeat: 1 },
      { team: "Platform", members: 1, active: 1, never: 0, withoutSeat: 0 },
      { team: "Unassigned", members: 2, active: 0, never: 2, withoutSeat: 0 },
    ]);
  });

  it("has no Unassigned row when every seat holder is in a team, and keeps an empty team", () => {
    const rows = teamSeatsOf(seats, [
      team("All", "user:ada@x.io", "user:bo@x.io", "user:cy@x.io", "user:dee@x.io"),
      team("Empty"),
    ]);
    expect(rows.map((r) => [r.team, r.members, r.active, r.never])).toEqual([
      ["All", 4, 1, 2],
      ["Empty", 0, 0, 0],
    ]);
  });
});
