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

describe("subscription commands", () => {
  it("reads subscribe with an escaped channel, a cadence, a team and a time", () => {
    expect(parse("subscribe <#C0ENG|eng> weekly data platform at 9:30")).toEqual({
      kind: "subscribe",
      channel: { id: "C0ENG", name: "eng" },
      cadence: "weekly",
      team: "data platform",
      time: "09:30",
      timeZone: undefined,
    });
    // The channel defaults to where it was typed; the org when no team; the default time.
    expect(parse("subscribe daily")).toEqual({
      kind: "subscribe",
      channel: undefined,
      cadence: "daily",
      team: undefined,
      time: undefined,
      timeZone: undefined,
    });
    expect(parse("Subscribe MONTHLY org at 5pm <#G0PRIV>")).toMatchObject({
      cadence: "monthly",
      team: undefined,
      time: "17:00",
      channel: { id: "G0PRIV" },
    });
    // A user group escaped by Slack reads as its handle; "&" arrives as &amp;.
    expect(parse("subscribe weekly <!subteam^S0BACK|@backend>")).toMatchObject({
      team: "@backend",
    });
    expect(parse("subscribe weekly R&amp;D")).toMatchObject({ team: "R&D" });
    expect(parse("team R&amp;D last 7 days")).toMatchObject({ kind: "team", team: "R&D" });
    // A typed "<#C1>" arrives escaped and is not taken for a channel.
    expect(parse("subscribe &lt;#C1&gt; daily")).toMatchObject({ kind: "help" });
  });

  it("a time may name its zone, as IANA spells it", () => {
    expect(parse("subscribe daily at 9:30 europe/london")).toMatchObject({
      time: "09:30",
      timeZone: "Europe/London",
    });
    expect(parse("subscribe daily at 9 am")).toMatchObject({ time: "09:00", timeZone: undefined });
    expect(parse("subscribe daily at 9:30 Mars/Olympus")).toMatchObject({
      kind: "help",
      problem: expect.stringContaining('I don\'t know the time zone "Mars/Olympus"'),
    });
  });

  it("a bare #name (not picked from Slack's list) says how to name the channel", () => {
    const reply = parse("subscribe #eng daily");
    expect(reply.kind).toBe("help");
    expect(reply).toMatchObject({ problem: expect.stringContaining("Pick it from the list") });
  });

  it("typos get the command they probably were", () => {
    expect(parse("subscribe <#C0ENG|eng> weekyl backend")).toMatchObject({
      kind: "help",
      suggestion: "subscribe #eng weekly backend",
    });
    expect(parse("subscirbe daily")).toMatchObject({ kind: "help", suggestion: "subscribe daily" });
    expect(parse("unsubscribe dialy")).toMatchObject({
      kind: "help",
      suggestion: "unsubscribe daily",
    });
    expect(parse("subscriptons")).toMatchObject({ kind: "help", suggestion: "subscriptions" });
    expect(parse("setings")).toMatchObject({ kind: "help", suggestion: "settings" });
  });

  it("missing or unreadable parts get a clear problem", () => {
    expect(parse("subscribe")).toMatchObject({
      kind: "help",
      problem: expect.stringContaining("Which digest?"),
    });
    expect(parse("subscribe daily at 25:00")).toMatchObject({
      kind: "help",
      problem: expect.stringContaining("not a time I can read"),
    });
    expect(parse("subscribe daily at")).toMatchObject({ kind: "help" });
    expect(parse("subscribe <#C1> <#C2> daily")).toMatchObject({
      kind: "help",
      problem: expect.stringContaining("One channel at a time"),
    });
  });

  it("reads unsubscribe with or without a cadence, and subscriptions and settings", () => {
    expect(parse("unsubscribe <#C0ENG|eng> weekly backend")).toEqual({
      kind: "unsubscribe",
      channel: { id: "C0ENG", name: "eng" },
      cadence: "weekly",
      team: "backend",
    });
    expect(parse("unsubscribe")).toEqual({
      kind: "unsubscribe",
      channel: undefined,
      cadence: undefined,
      team: undefined,
    });
    expect(parse("unsubscribe backend")).toMatchObject({ cadence: undefined, team: "backend" });
    expect(parse("subscriptions")).toEqual({ kind: "subscriptions" });
    expect(parse("settings")).toEqual({ kind: "settings" });
  });
});
