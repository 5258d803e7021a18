import { afterEach, describe, expect, it } from "vitest";
import {
  apiErrorBody,
  FAKE_ADMIN_KEY,
  type FakeAdminApi,
  startFakeAdminApi,
} from "../../fakes/fake-admin-api.js";
import { apiRecord } from "../../fakes/records.js";
import { createAdminClient } from "../../src/anthropic/client.js";
import { loadConfig } from "../../src/app/config.js";
import { alertsDeps, digestDeps } from "../../src/app/jobs.js";
import { createSyntheticOrg } from "../../src/demo/synthetic-org.js";
import { createSyntheticSource } from "../../src/demo/synthetic-source.js";
import { createRosterLoader } from "../../src/loading/roster.js";
import { createUsageLoader } from "../../src/loading/usage-loader.js";
import { createLogger } from "../../src/log.js";
import { periodBetween } from "../../src/usage/periods.js";
import { type TestStoreHandle, testDatabase } from "../support/stores.js";

let handle: TestStoreHandle | undefined;
let api: FakeAdminApi | undefined;
afterEach(async () => {
  await handle?.cleanup();
  await api?.close();
  api = undefined;
});

describe("job dependencies from configuration", () => {
  it("digests and alerts both take their claim lease from DELIVERY_LEASE_SECONDS", async () => {
    handle = testDatabase("sqlite");
    const input = {
      config: loadConfig({
        ALERT_CHANNEL: "CALERTS",
        DELIVERY_LEASE_SECONDS: "7",
        BUDGET_MONTHLY_USD: "12.345",
        BUDGET_USER_MONTHLY_USD: "250",
        BUDGET_USER_OVERRIDES: "ada@example.com=400.5, ci-bot=off",
      }),
      store: await handle.open(),
      loader: createUsageLoader({ source: createSyntheticSource(createSyntheticOrg()) }),
      logger: createLogger({ sink: { write: () => undefined } }),
    };
    expect(digestDeps(input).config.leaseMs).toBe(7000);
    // The DMs show people their budget, from the same settings as the alerts.
    expect(digestDeps(input).config.personalBudgets).toEqual(
      alertsDeps(input)?.config.personalBudgets,
    );
    expect(alertsDeps(input)?.config).toMatchObject({
      channel: "CALERTS",
      leaseMs: 7000,
      budgetMonthlyCents: 1235,
      personalBudgets: {
        defaultCents: 25_000,
        overrides: new Map([
          ["user:ada@example.com", 40_050],
          ["api_key:ci-bot", null],
        ]),
      },
    });
    // Without a Slack directory nobody can be found.
    expect(await digestDeps(input).lookupUser("ada@example.com")).toBeNull();
    expect(alertsDeps({ ...input, config: loadConfig({}) })).toBeUndefined();
  });
});

describe("the monthly digest's seats, from the roster", () => {
  const november = periodBetween("2026-11-01", "2026-11-30", "last month");
  const member = (email: string, i: number) => ({ id: `user_${i}`, email, name: null });

  async function seatsWith(options: { forbidMembers?: boolean; withRoster?: boolean }) {
    handle = testDatabase("sqlite");
    api = await startFakeAdminApi({
      days: {
        // Ada in November, Bob only in October (a member, not active in the month), Zed never.
        "2026-11-10": [apiRecord({ day: "2026-11-10", email: "ada@example.com", sessions: 2 })],
        "2026-10-20": [apiRecord({ day: "2026-10-20", email: "bob@example.com", sessions: 1 })],
      },
      members: ["ada@example.com", "bob@example.com", "zed@example.com"].map(member),
      fault: (request) =>
        options.forbidMembers && request.path === "/v1/organizations/users"
          ? { status: 403, body: apiErrorBody("permission_error", "no") }
          : undefined,
    });
    const client = createAdminClient({
      adminKey: FAKE_ADMIN_KEY,
      baseUrl: api.url,
      maxAttempts: 1,
    });
    const store = await handle.open();
    const deps = digestDeps({
      config: loadConfig({ MAX_PERIOD_DAYS: "60" }),
      store,
      loader: createUsageLoader({
        source: client,
        cache: store.dayCache,
        now: () => new Date("2026-12-01T09:00:00Z"),
      }),
      logger: createLogger({ sink: { write: () => undefined } }),
      roster: options.withRoster === false ? undefined : createRosterLoader({ client }),
    });
    try {
      return { seats: deps.seats, counts: await deps.seats?.(november) };
    } finally {
      await client.close();
    }
  }

  it("counts the members, who used Claude Code in the month, and who never has", async () => {
    const { counts } = await seatsWith({});
    expect(counts).toEqual({ members: 3, active: 1, never: 1 });
  });

  it("is undefined when the key may not list members, and absent without a roster", async () => {
    expect((await seatsWith({ forbidMembers: true })).counts).toBeUndefined();
    await api?.close();
    await handle?.cleanup();
    expect((await seatsWith({ withRoster: false })).seats).toBeUndefined();
  });
});
