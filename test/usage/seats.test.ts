import { describe, expect, it } from "vitest";
import { apiKeysOf, seatsOf, teamSeatsOf } from "../../src/usage/seats.js";

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

describe("API keys", () => {
  const key = (name: string, createdBy: string | null, workspace: string | null = "wrk_1") => ({
    name,
    workspace_id: workspace,
    status: "active",
    created_by: createdBy === null ? null : { id: createdBy, type: "user" },
  });
  const usage: Record<string, { lastActive: string; costMicros: number; inPeriod: boolean }> = {
    ci: { lastActive: "2026-11-30", costMicros: 9_000_000, inPeriod: true },
    deploy: { lastActive: "2026-11-29", costMicros: 1_000_000, inPeriod: true },
    old: { lastActive: "2026-09-01", costMicros: 5_000_000, inPeriod: false },
  };
  const summary = apiKeysOf({
    keys: [
      key("ci", "user_1"),
      key("deploy", "user_gone", null),
      key("old", null),
      key("spare", "user_1"),
    ],
    members: [{ id: "user_1", email: "Ada@X.io" }],
    usage: (name) => usage[name],
  });

  it("counts keys used in the period against keys that exist", () => {
    expect([summary.keys, summary.active]).toEqual([4, 2]);
  });

  it("least used first: never used, then idle longest, then the smallest spend", () => {
    expect(summary.list.map((k) => k.name)).toEqual(["spare", "old", "deploy", "ci"]);
  });

  it("names the creator by email when a member, else by id; none when unknown", () => {
    const by = Object.fromEntries(summary.list.map((k) => [k.name, [k.creator, k.workspaceId]]));
    expect(by).toEqual({
      ci: ["ada@x.io", "wrk_1"],
      deploy: ["user_gone", null],
      old: [null, "wrk_1"],
      spare: ["ada@x.io", "wrk_1"],
    });
  });

  it("spend outside the period does not count", () => {
    expect(summary.list.find((k) => k.name === "old")?.costMicros).toBe(0);
  });
});
