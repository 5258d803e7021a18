import { afterEach, describe, expect, it } from "vitest";
import {
  createMemorySubscriptions,
  type NewSubscription,
  type Subscriptions,
} from "../../src/store/subscriptions.js";
import { TEST_DIALECTS, type TestStoreHandle, testDatabase } from "../support/stores.js";

const daily: NewSubscription = {
  channel: "C1",
  cadence: "daily",
  time: "09:00",
  timeZone: "Europe/Berlin",
  createdBy: "U1",
};

let handle: TestStoreHandle | undefined;
afterEach(async () => {
  await handle?.cleanup();
  handle = undefined;
});

const kinds: [
  string,
  () => Promise<{ subs: Subscriptions; replica?: () => Promise<Subscriptions> }>,
][] = [
  ["memory", async () => ({ subs: createMemorySubscriptions() })],
  ...TEST_DIALECTS.map(
    (dialect) =>
      [
        dialect,
        async () => {
          handle = testDatabase(dialect);
          const h = handle;
          return {
            subs: (await h.open()).subscriptions,
            replica: async () => (await h.open()).subscriptions,
          };
        },
      ] as [string, () => Promise<{ subs: Subscriptions; replica?: () => Promise<Subscriptions> }>],
  ),
];

describe.each(kinds)("subscriptions (%s)", (_name, open) => {
  it("adds one per channel, cadence and team, and says which exists", async () => {
    const { subs } = await open();
    const first = await subs.add(daily);
    expect(first.added).toBe(true);
    const again = await subs.add({ ...daily, time: "10:00", createdBy: "U2" });
    expect(again.added).toBe(false);
    expect(!again.added && again.existing.time).toBe("09:00");
    // Another team, or another cadence, in the same channel is another subscription.
    expect((await subs.add({ ...daily, team: "backend" })).added).toBe(true);
    expect((await subs.add({ ...daily, cadence: "weekly" })).added).toBe(true);
    const list = await subs.list();
    expect(list.map((s) => [s.channel, s.cadence, s.team ?? null])).toEqual([
      ["C1", "daily", null],
      ["C1", "daily", "backend"],
      ["C1", "weekly", null],
    ]);
    expect(list[0]?.timeZone).toBe("Europe/Berlin");
  });

  it("removes by channel and cadence, or every cadence; the org's and a team's apart", async () => {
    const { subs } = await open();
    await subs.add(daily);
    await subs.add({ ...daily, cadence: "weekly" });
    await subs.add({ ...daily, team: "backend" });
    expect((await subs.remove({ channel: "C1", cadence: "weekly" })).map((s) => s.cadence)).toEqual(
      ["weekly"],
    );
    expect(await subs.remove({ channel: "C2" })).toEqual([]);
    expect((await subs.remove({ channel: "C1" })).map((s) => s.team ?? null)).toEqual([null]);
    expect((await subs.list()).map((s) => s.team)).toEqual(["backend"]);
  });

  it("changes a subscription's time", async () => {
    const { subs } = await open();
    const added = await subs.add(daily);
    if (!added.added) throw new Error("not added");
    expect(await subs.setTime(added.subscription.id, "08:30", "America/New_York")).toBe(true);
    expect(await subs.setTime("nope", "08:30", "UTC")).toBe(false);
    expect((await subs.list())[0]).toMatchObject({ time: "08:30", timeZone: "America/New_York" });
  });

  it("seeds once, and never over a change made in Slack — on any replica", async (context) => {
    const { subs, replica } = await open();
    // A first run with nothing configured (a CLI report, say) seeds nothing and marks nothing.
    expect(await subs.seedOnce([])).toBe(false);
    expect(await subs.seedOnce([daily, { ...daily, cadence: "weekly" }])).toBe(true);
    await subs.remove({ channel: "C1", cadence: "weekly" });
    expect(await subs.seedOnce([daily, { ...daily, cadence: "weekly" }])).toBe(false);
    expect((await subs.list()).map((s) => s.cadence)).toEqual(["daily"]);
    if (!replica) return context.skip();
    // A restart, or a second replica on the same database.
    const other = await replica();
    expect(await other.seedOnce([{ ...daily, channel: "C9" }])).toBe(false);
    expect((await other.list()).map((s) => s.channel)).toEqual(["C1"]);
  });
});

describe.each(TEST_DIALECTS)("DM times and time zones on %s", (dialect) => {
  it("keeps each person's DM time, and forgets it on request", async () => {
    handle = testDatabase(dialect);
    const store = await handle.open();
    expect(await store.preferences.getDmTime("U1")).toBeUndefined();
    await store.preferences.setDmTime("U1", "08:00");
    await store.preferences.setDmTime("U1", "07:30");
    await store.preferences.setDmTime("U2", "10:00");
    expect(await store.preferences.getDmTime("U1")).toBe("07:30");
    await store.preferences.setDmTime("U2", undefined);
    expect(await store.preferences.allDmTimes()).toEqual(new Map([["U1", "07:30"]]));
  });

  it("keeps a person's Slack time zone with their name", async () => {
    handle = testDatabase(dialect);
    const store = await handle.open();
    await store.userCache.set(
      "email:a@x.io",
      { userId: "U1", name: "Ada", tz: "Asia/Tokyo" },
      60_000,
    );
    await store.userCache.set("email:b@x.io", { userId: "U2", name: "Bo" }, 60_000);
    expect(await store.userCache.get("email:a@x.io")).toEqual({
      userId: "U1",
      name: "Ada",
      tz: "Asia/Tokyo",
    });
    expect(await store.userCache.get("email:b@x.io")).toEqual({ userId: "U2", name: "Bo" });
  });
});
