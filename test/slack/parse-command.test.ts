import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../src/demo/synthetic-org.js";
import { parseCommand } from "../../src/slack/commands/parse-command.js";

const options = { now: new Date("2026-11-25T10:00:00Z"), timeZone: "UTC" };
const parse = (text: string) => parseCommand(text, options);

describe("parseCommand", () => {
  it("no text is yesterday's org report", () => {
    expect(parse("")).toMatchObject({
      kind: "org",
      period: { from: "2026-11-24", to: "2026-11-24" },
      periodText: "yesterday",
    });
  });

  it("reads export and chart, each with an optional period", () => {
    expect(parse("export")).toMatchObject({ kind: "export", period: { from: "2026-11-24" } });
    expect(parse("EXPORT last 30 days")).toMatchObject({
      kind: "export",
      period: { from: "2026-10-26", to: "2026-11-24" },
      periodText: "last 30 days",
    });
    expect(parse("chart last week")).toMatchObject({
      kind: "chart",
      period: { from: "2026-11-16", to: "2026-11-22" },
    });
    // A chart says something over days: 30 of them by default, never one bar.
    expect(parse("chart")).toMatchObject({
      kind: "chart",
      period: { from: "2026-10-26", to: "2026-11-24", name: "last 30 days" },
    });
    expect(
      parseCommand("chart", {
        now: new Date("2026-11-25T10:00:00Z"),
        timeZone: "UTC",
        maxDays: 14,
      }),
    ).toMatchObject({ kind: "chart", period: { name: "last 14 days" } });
    expect(parse("chart someday")).toMatchObject({
      kind: "help",
      problem: expect.stringContaining("someday"),
    });
  });

  it("reads periods, me, top, models, dm and help", () => {
    expect(parse("last 7 days")).toMatchObject({
      kind: "org",
      period: { days: expect.any(Array) },
      periodText: "last 7 days",
    });
    expect(parse("me")).toMatchObject({ kind: "me", period: { from: "2026-11-24" } });
    expect(parse("ME this week")).toMatchObject({
      kind: "me",
      period: { from: "2026-11-23", to: "2026-11-25" },
    });
    expect(parse("top sessions last week")).toMatchObject({
      kind: "top",
      metric: "sessions",
      period: { from: "2026-11-16" },
    });
    expect(parse("top prs")).toMatchObject({
      kind: "top",
      metric: "prs",
      period: { from: "2026-11-24" },
    });
    expect(parse("top")).toMatchObject({ kind: "top", metric: "cost" });
    expect(parse("top last 7 days")).toMatchObject({
      kind: "top",
      metric: "cost",
      period: { from: "2026-11-18" },
    });
    expect(parse("models 30d")).toMatchObject({ kind: "models", period: { from: "2026-10-26" } });
    expect(parse("dm on")).toEqual({ kind: "dm", enable: true });
    expect(parse("dm OFF")).toEqual({ kind: "dm", enable: false });
    expect(parse("help")).toEqual({ kind: "help" });
  });

  it.each(["constructor", "__proto__"])(
    "`top %s` is not a metric (no inherited object keys): the help, with the reason",
    (word) => {
      const command = parse(`top ${word}`);
      expect(command).toMatchObject({ kind: "help", problem: expect.stringContaining(word) });
    },
  );

  it.each([
    ["tpo cost", "top cost"],
    ["modles", "models"],
    ["modle last week", "models last week"],
    ["exprot 30d", "export 30d"],
    ["hlep", "help"],
    ["top csot", "top cost"],
    ["top sesions last week", "top sessions last week"],
    ["last 7 dyas", "last 7 days"],
    ["yesterdya", "yesterday"],
    ["tody", "today"],
    ["lastweek", "last week"],
    ["me this monht", "me this month"],
    ["top prs last 14 dasy", "top prs last 14 days"],
    ["chart 30 dyas", "chart 30 days"],
  ])("a typo gets a suggestion: %j → did you mean %j", (text, suggestion) => {
    const command = parse(text);
    expect(command).toMatchObject({ kind: "help", suggestion });
  });

  it("suggests only a period that reads: no 'last 900 days' beyond the longest", () => {
    expect(parse("last 900 dyas")).not.toHaveProperty("suggestion");
  });

  it.each(["fortnight", "last fortnight", "top 2026-02-30", "xyzzy", "me tomorrow"])(
    "no suggestion when nothing is close: %j",
    (text) => {
      const command = parse(text);
      expect(command.kind).toBe("help");
      expect(command.kind === "help" && command.problem).not.toContain("Did you mean");
    },
  );

  it.each(["fortnight", "me next year", "top cost 2026-02-30", "dm maybe", "2027-01-01"])(
    "turns %j into help with the reason",
    (text) => {
      const command = parse(text);
      expect(command.kind).toBe("help");
      expect(command.kind === "help" && command.problem).toBeTruthy();
    },
  );

  it("never throws on random, unicode or huge input: always a command", () => {
    const rand = mulberry32(7);
    const alphabet = [
      "a",
      "z",
      " ",
      "7",
      "d",
      "-",
      ".",
      "..",
      "😀",
      "\u0000",
      "ｔｏｐ",
      "\n",
      "<@U1>",
      "*",
      "`",
      "é",
      "last",
      "me",
    ];
    for (let i = 0; i < 500; i++) {
      const length = Math.floor(rand() * 30);
      const text = Array.from(
        { length },
        () => alphabet[Math.floor(rand() * alphabet.length)],
      ).join("");
      const command = parse(text);
      expect(["org", "me", "top", "models", "dm", "help"]).toContain(command.kind);
    }
    expect(parse("x".repeat(100_000))).toMatchObject({ kind: "help" });
  });
});
