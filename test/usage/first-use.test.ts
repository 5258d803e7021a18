import { describe, expect, it } from "vitest";
import { apiRecord, type RecordSpec } from "../../fakes/records.js";
import { parseRecords } from "../../src/anthropic/records.js";
import { mergeCompact } from "../../src/usage/compact.js";
import { compactDay } from "../../src/usage/day-builder.js";
import { newPeople, peopleOfDay, stoppedPeople } from "../../src/usage/first-use.js";

const SONNET = "claude-sonnet-4-5-20250929";

function part(date: string, ...specs: RecordSpec[]) {
  return compactDay(date, parseRecords(specs.map((s) => apiRecord({ ...s, day: date }))).records);
}

const week = { from: "2026-11-16", to: "2026-11-22" };

describe("peopleOfDay", () => {
  it("lists the people of a day, not API keys", () => {
    const day = part(
      "2026-11-20",
      { email: "Ada@Example.com", models: [[SONNET, 100]] },
      { apiKey: "ci-bot", models: [[SONNET, 900]] },
      { email: "bob@example.com", models: [[SONNET, 5]] },
    );
    expect(peopleOfDay(day).sort()).toEqual(["user:ada@example.com", "user:bob@example.com"]);
  });

  it("an empty day has no one", () => {
    expect(peopleOfDay(part("2026-11-20"))).toEqual([]);
  });
});

describe("newPeople", () => {
  const current = mergeCompact([
    part(
      "2026-11-18",
      { email: "ada@example.com", models: [[SONNET, 100]] },
      { email: "bob@example.com", models: [[SONNET, 900]] },
      { email: "cy@example.com", models: [[SONNET, 50]] },
      { apiKey: "new-key", models: [[SONNET, 5000]] },
    ),
  ]);

  it("is the people whose first day is in the period, by cost", () => {
    const firstDays = new Map([
      ["user:ada@example.com", "2026-11-18"],
      ["user:bob@example.com", "2026-11-16"],
      ["user:cy@example.com", "2026-10-02"],
      ["api_key:new-key", "2026-11-18"],
    ]);
    expect(newPeople(current, week, firstDays)).toEqual(["bob@example.com", "ada@example.com"]);
  });

  it("back after a break is not new: first seen before the period", () => {
    const firstDays = new Map([["user:cy@example.com", "2026-09-01"]]);
    expect(newPeople(current, week, firstDays)).toEqual([]);
  });

  it("someone the record does not know is not called new", () => {
    expect(newPeople(current, week, new Map())).toEqual([]);
  });
});

describe("stoppedPeople", () => {
  it("is the people of the period before who are not in this one, by their cost then", () => {
    const previous = mergeCompact([
      part(
        "2026-11-10",
        { email: "ada@example.com", models: [[SONNET, 100]] },
        { email: "dee@example.com", models: [[SONNET, 10]] },
        { email: "eve@example.com", models: [[SONNET, 70]] },
        { apiKey: "old-key", models: [[SONNET, 70]] },
      ),
    ]);
    const current = mergeCompact([part("2026-11-18", { email: "ada@example.com" })]);
    expect(stoppedPeople(current, previous)).toEqual(["eve@example.com", "dee@example.com"]);
  });
});
