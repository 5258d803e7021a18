import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/app/config.js";
import { openRuntime } from "../../src/app/runtime.js";
import {
  configuredSubscriptions,
  cronTime,
  seedSubscriptions,
} from "../../src/app/subscriptions.js";
import { createLogger } from "../../src/log.js";
import { TEST_DIALECTS, type TestStoreHandle, testDatabase } from "../support/stores.js";

/*
 * DIGEST_CHANNELS and TEAM_DIGESTS seed the subscriptions on the first start; a later change of
 * the configuration is not applied (Slack manages them), and says so.
 */

let handle: TestStoreHandle | undefined;
afterEach(async () => {
  await handle?.cleanup();
  handle = undefined;
});

function capture() {
  const lines: { level: string; msg: string; [k: string]: unknown }[] = [];
  const logger = createLogger({ sink: { write: (line) => lines.push(JSON.parse(line)) } });
  return { logger, lines };
}

const env = {
  DIGEST_CHANNELS: "C1,C2",
  TEAM_DIGESTS: "backend=C09",
  DIGEST_CRON: "30 8 * * 1-5",
  DIGEST_TIMEZONE: "Europe/Berlin",
};

describe("cronTime", () => {
  it("reads the hour and minute of a plain cron, else 09:00", () => {
    expect(cronTime("30 8 * * 1-5")).toBe("08:30");
    expect(cronTime("0 17 * * *")).toBe("17:00");
    expect(cronTime("*/5 8 * * *")).toBe("09:00");
    expect(cronTime("0 8-10 * * *")).toBe("09:00");
    expect(cronTime("0 9,12 * * *")).toBe("09:00");
  });
});

describe("configuredSubscriptions", () => {
  it("gives each channel and team pair daily, weekly and monthly at the cron's time", () => {
    const seeds = configuredSubscriptions(loadConfig(env));
    expect(seeds.map((s) => `${s.channel}/${s.cadence}/${s.team ?? ""}`)).toEqual([
      "C1/daily/",
      "C1/weekly/",
      "C1/monthly/",
      "C2/daily/",
      "C2/weekly/",
      "C2/monthly/",
      "C09/daily/backend",
      "C09/weekly/backend",
      "C09/monthly/backend",
    ]);
    expect(new Set(seeds.map((s) => `${s.time} ${s.timeZone} ${s.createdBy}`))).toEqual(
      new Set(["08:30 Europe/Berlin config"]),
    );
  });

  it("leaves out the weekly and monthly ones when they are switched off", () => {
    const seeds = configuredSubscriptions(
      loadConfig({ ...env, DIGEST_WEEKLY_ON_MONDAY: "false", DIGEST_MONTHLY_ON_FIRST: "false" }),
    );
    expect(seeds.map((s) => s.cadence)).toEqual(["daily", "daily", "daily"]);
  });
});

describe.each(TEST_DIALECTS)("seeding (store on %s)", (dialect) => {
  it("seeds once; a changed configuration later is not applied, and a warning says so", async () => {
    handle = testDatabase(dialect);
    const store = await handle.open();
    const first = capture();
    await seedSubscriptions(store.subscriptions, loadConfig(env), first.logger);
    expect((await store.subscriptions.list()).length).toBe(9);
    expect(first.lines.map((l) => l.msg)).toEqual([
      expect.stringContaining("seeded from DIGEST_CHANNELS"),
    ]);

    // Someone unsubscribes C2 in Slack; the operator then adds C3 to DIGEST_CHANNELS.
    await store.subscriptions.remove({ channel: "C2" });
    const second = capture();
    const replica = await handle.open();
    await seedSubscriptions(
      replica.subscriptions,
      loadConfig({ ...env, DIGEST_CHANNELS: "C1,C2,C3" }),
      second.logger,
    );
    const channels = new Set((await replica.subscriptions.list()).map((s) => s.channel));
    expect(channels).toEqual(new Set(["C1", "C09"]));
    expect(second.lines).toEqual([
      expect.objectContaining({
        level: "warn",
        msg: expect.stringContaining("managed in Slack now"),
        notApplied: expect.arrayContaining(["C3/daily/", "C2/daily/"]),
      }),
    ]);
  });

  it("an unchanged configuration on a later start says nothing", async () => {
    handle = testDatabase(dialect);
    const store = await handle.open();
    await seedSubscriptions(store.subscriptions, loadConfig(env), capture().logger);
    const again = capture();
    await seedSubscriptions(store.subscriptions, loadConfig(env), again.logger);
    expect(again.lines).toEqual([]);
  });
});

describe("the runtime", () => {
  it("seeds the store it opens when asked (the app, a real digest run), never otherwise", async () => {
    handle = testDatabase("sqlite");
    const { logger } = capture();
    const config = loadConfig({ ...env, DATA_DIR: handle.options.dataDir ?? "" });
    // A dry run, a demo or a report: the configured channels may not be the workspace's.
    const looking = await openRuntime(config, { logger, store: true, demo: true });
    try {
      expect(await looking.store.subscriptions.list()).toEqual([]);
    } finally {
      await looking.close();
    }
    const app = await openRuntime(config, {
      logger,
      demo: true,
      store: true,
      seedSubscriptions: true,
    });
    try {
      expect((await app.store.subscriptions.list()).map((s) => s.channel)).toContain("C09");
    } finally {
      await app.close();
    }
  });
});
