import { describe, expect, it } from "vitest";
import {
  dailyPeriod,
  digestPeriod,
  dmDates,
  dmDue,
  dueDigests,
  dueInstant,
  plannedDigests,
  reachedToday,
} from "../../src/schedule/due.js";
import { nextDue } from "../../src/schedule/ticker.js";
import type { Subscription } from "../../src/store/subscriptions.js";

/*
 * What is due, on a fixed clock: local times across DST changes, working days, Monday's
 * Friday-to-Sunday, the week in place of the day, the month on its first working day, and
 * recipients around the world.
 */

const sub = (
  s: Partial<Subscription> & Pick<Subscription, "channel" | "cadence">,
): Subscription => ({
  id: `${s.channel}-${s.cadence}-${s.team ?? ""}`,
  time: "09:00",
  timeZone: "Europe/Berlin",
  createdBy: "config",
  createdAt: 0,
  ...s,
});

/** Each minute of [from, to) at which `due` turns from false to true. */
function becameDue(from: string, to: string, due: (now: Date) => boolean): string[] {
  const turns: string[] = [];
  let before = false;
  for (let t = Date.parse(from); t < Date.parse(to); t += 60_000) {
    const now = due(new Date(t));
    if (now && !before) turns.push(new Date(t).toISOString());
    before = now;
  }
  return turns;
}

describe("dueInstant across DST changes", () => {
  it("Europe/Berlin spring forward (2026-03-29): 02:30 does not exist; due once, at the jump", () => {
    expect(dueInstant("2026-03-29", "02:30", "Europe/Berlin").toISOString()).toBe(
      "2026-03-29T01:00:00.000Z",
    );
    expect(
      becameDue("2026-03-28T23:00Z", "2026-03-29T22:00Z", (now) =>
        Boolean(reachedToday(now, "02:30", "Europe/Berlin")),
      ),
    ).toEqual(["2026-03-29T01:00:00.000Z"]);
  });

  it("Europe/Berlin fall back (2026-10-25): 02:30 happens twice; due once, at the first", () => {
    expect(dueInstant("2026-10-25", "02:30", "Europe/Berlin").toISOString()).toBe(
      "2026-10-25T00:30:00.000Z",
    );
    expect(
      becameDue("2026-10-24T22:00Z", "2026-10-25T23:00Z", (now) =>
        Boolean(reachedToday(now, "02:30", "Europe/Berlin")),
      ),
    ).toEqual(["2026-10-25T00:30:00.000Z"]);
    // Ordinary times on that day: 01:30 CEST, 09:00 CET.
    expect(dueInstant("2026-10-25", "01:30", "Europe/Berlin").toISOString()).toBe(
      "2026-10-24T23:30:00.000Z",
    );
    expect(dueInstant("2026-10-25", "09:00", "Europe/Berlin").toISOString()).toBe(
      "2026-10-25T08:00:00.000Z",
    );
  });

  it("America/New_York spring forward (2026-03-08): 02:30 is due once, at 03:00 EDT", () => {
    expect(dueInstant("2026-03-08", "02:30", "America/New_York").toISOString()).toBe(
      "2026-03-08T07:00:00.000Z",
    );
    expect(
      becameDue("2026-03-08T05:00Z", "2026-03-09T04:00Z", (now) =>
        Boolean(reachedToday(now, "02:30", "America/New_York")),
      ),
    ).toEqual(["2026-03-08T07:00:00.000Z"]);
  });

  it("America/New_York fall back (2026-11-01): 01:30 is due once, and stays due at 01:10 EST", () => {
    expect(dueInstant("2026-11-01", "01:30", "America/New_York").toISOString()).toBe(
      "2026-11-01T05:30:00.000Z",
    );
    // 06:10Z is 01:10 EST: the clock is back before 01:30, but 01:30 has been.
    expect(reachedToday(new Date("2026-11-01T06:10:00Z"), "01:30", "America/New_York")).toEqual({
      date: "2026-11-01",
      time: "01:10",
    });
    expect(
      becameDue("2026-11-01T04:00Z", "2026-11-02T05:00Z", (now) =>
        Boolean(reachedToday(now, "01:30", "America/New_York")),
      ),
    ).toEqual(["2026-11-01T05:30:00.000Z"]);
  });

  it("a daily digest at 09:00 Berlin goes out an hour earlier in UTC after the spring change", () => {
    const daily = [sub({ channel: "C1", cadence: "daily" })];
    const due = (at: string) => dueDigests(new Date(at), daily).map((d) => d.date);
    expect(due("2026-03-27T07:59:00Z")).toEqual([]);
    expect(due("2026-03-27T08:00:00Z")).toEqual(["2026-03-27"]);
    // The weekend between: nothing.
    expect(due("2026-03-28T12:00:00Z")).toEqual([]);
    expect(due("2026-03-29T12:00:00Z")).toEqual([]);
    expect(due("2026-03-30T06:59:00Z")).toEqual([]);
    expect(due("2026-03-30T07:00:00Z")).toEqual(["2026-03-30"]);
    // Still due later that day (catch-up), not the next day's before its time.
    expect(due("2026-03-30T21:59:00Z")).toEqual(["2026-03-30"]);
    expect(due("2026-03-30T22:00:00Z")).toEqual([]);
  });
});

describe("periods", () => {
  it("Monday's daily covers Friday to Sunday; Tuesday's, Monday", () => {
    expect(dailyPeriod("2026-11-23")).toMatchObject({
      from: "2026-11-20",
      to: "2026-11-22",
      name: "since Friday",
    });
    expect(dailyPeriod("2026-11-24")).toMatchObject({
      from: "2026-11-23",
      to: "2026-11-23",
      name: "yesterday",
    });
    expect(dailyPeriod("2026-11-21")).toBeNull();
    expect(dailyPeriod("2026-11-22")).toBeNull();
  });

  it("the week on Mondays only; the month on its first working day", () => {
    expect(digestPeriod("weekly", "2026-11-23")).toMatchObject({
      from: "2026-11-16",
      to: "2026-11-22",
    });
    expect(digestPeriod("weekly", "2026-11-24")).toBeNull();
    // 1 November 2026 is a Sunday: October goes out on Monday the 2nd.
    expect(digestPeriod("monthly", "2026-11-01")).toBeNull();
    expect(digestPeriod("monthly", "2026-11-02")).toMatchObject({
      from: "2026-10-01",
      to: "2026-10-31",
    });
    expect(digestPeriod("monthly", "2026-11-03")).toBeNull();
    expect(digestPeriod("monthly", "2026-12-01")).toMatchObject({
      from: "2026-11-01",
      to: "2026-11-30",
    });
  });
});

describe("dueDigests", () => {
  const subs = [
    sub({ channel: "C1", cadence: "daily" }),
    sub({ channel: "C1", cadence: "weekly", time: "10:00" }),
    sub({ channel: "C1", cadence: "monthly" }),
    sub({ channel: "C2", cadence: "daily", time: "08:00", timeZone: "America/New_York" }),
    sub({ channel: "C3", cadence: "daily", team: "backend" }),
    sub({ channel: "C3", cadence: "weekly", team: "backend" }),
  ];
  const kinds = (at: string, on?: string) =>
    dueDigests(new Date(at), subs, { on }).map(
      (d) => `${d.subscription.channel}/${d.kind}/${d.period.from}..${d.period.to}`,
    );

  it("on a Monday, the week replaces the day where both are subscribed (teams too)", () => {
    // Monday 2 November 2026, 09:30 in Berlin (08:30Z): the weekly (10:00) is not due yet.
    expect(kinds("2026-11-02T08:30:00Z")).toEqual([
      "C3/weekly/2026-10-26..2026-11-01",
      "C1/monthly/2026-10-01..2026-10-31",
    ]);
    // Afternoon: New York's morning too, with Friday to Sunday.
    expect(kinds("2026-11-02T14:00:00Z")).toEqual([
      "C2/daily/2026-10-30..2026-11-01",
      "C1/weekly/2026-10-26..2026-11-01",
      "C3/weekly/2026-10-26..2026-11-01",
      "C1/monthly/2026-10-01..2026-10-31",
    ]);
  });

  it("weekends: nothing", () => {
    expect(kinds("2026-11-07T12:00:00Z")).toEqual([]);
  });

  it("with a date, everything of that date whatever the time", () => {
    expect(kinds("2026-11-24T00:00:00Z", "2026-11-24")).toEqual([
      "C1/daily/2026-11-23..2026-11-23",
      "C2/daily/2026-11-23..2026-11-23",
      "C3/daily/2026-11-23..2026-11-23",
    ]);
  });

  it("a run given no digests plans what the subscriptions of the same cadences would get", () => {
    // Two years of dates, each on/off combination: one definition of what a digest covers.
    for (let day = Date.parse("2026-01-01"); day < Date.parse("2028-01-01"); day += 86_400_000) {
      const date = new Date(day).toISOString().slice(0, 10);
      for (const weeklyOnMonday of [true, false]) {
        for (const monthlyOnFirst of [true, false]) {
          const cadences = [
            "daily" as const,
            ...(weeklyOnMonday ? (["weekly"] as const) : []),
            ...(monthlyOnFirst ? (["monthly"] as const) : []),
          ];
          const due = dueDigests(
            new Date(day),
            cadences.map((cadence) => sub({ channel: "C1", cadence })),
            { on: date },
          ).map(({ kind, period }) => ({ kind, period }));
          expect(plannedDigests(date, { weeklyOnMonday, monthlyOnFirst }), date).toEqual(due);
        }
      }
    }
  });
});

describe("DMs on each recipient's clock", () => {
  const tokyo = { timeZone: "Asia/Tokyo", time: "09:00" };
  const newYork = { timeZone: "America/New_York", time: "09:00" };

  it("Tokyo and New York get Tuesday's DM at different instants", () => {
    const turns = (clock: typeof tokyo) =>
      becameDue("2026-11-23T12:00Z", "2026-11-25T12:00Z", (now) => dmDue(now, clock, "2026-11-24"));
    expect(turns(tokyo)).toEqual(["2026-11-24T00:00:00.000Z"]);
    expect(turns(newYork)).toEqual(["2026-11-24T14:00:00.000Z"]);
  });

  it("a person's own time, not DM_LOCAL_TIME", () => {
    const early = { timeZone: "Europe/Berlin", time: "07:15" };
    expect(dmDue(new Date("2026-11-24T06:14:00Z"), early, "2026-11-24")).toBe(false);
    expect(dmDue(new Date("2026-11-24T06:15:00Z"), early, "2026-11-24")).toBe(true);
  });

  it("never on a weekend; the dates a tick looks at are the working days somewhere", () => {
    expect(dmDue(new Date("2026-11-21T12:00:00Z"), tokyo, "2026-11-21")).toBe(false);
    // Monday 00:30Z: Monday in Tokyo, Sunday in New York.
    expect(dmDates(new Date("2026-11-23T00:30:00Z"))).toEqual(["2026-11-23"]);
    // Tuesday 11:30Z: Monday on Baker Island, Wednesday on Kiritimati.
    expect(dmDates(new Date("2026-11-24T11:30:00Z"))).toEqual([
      "2026-11-23",
      "2026-11-24",
      "2026-11-25",
    ]);
  });
});

describe("nextDue (health's next digest)", () => {
  it("is the next subscription's time on a day it is due", () => {
    const subs = [
      sub({ channel: "C1", cadence: "daily", time: "09:00", timeZone: "Europe/Berlin" }),
      sub({ channel: "C2", cadence: "weekly", time: "07:00", timeZone: "Asia/Tokyo" }),
    ];
    // Friday 20 November 2026, 12:00 UTC: Berlin's daily is past; next is Monday's weekly in Tokyo.
    expect(nextDue(subs, new Date("2026-11-20T12:00:00Z"))?.toISOString()).toBe(
      "2026-11-22T22:00:00.000Z",
    );
    expect(nextDue([], new Date("2026-11-20T12:00:00Z"))).toBeNull();
  });
});
