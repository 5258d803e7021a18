import { describe, expect, it } from "vitest";
import { seatsOf } from "../../src/usage/seats.js";

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
