import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/app/config.js";
import { alertsDeps, digestDeps } from "../../src/app/jobs.js";
import { createSyntheticOrg } from "../../src/demo/synthetic-org.js";
import { createSyntheticSource } from "../../src/demo/synthetic-source.js";
import { createUsageLoader } from "../../src/loading/usage-loader.js";
import { createLogger } from "../../src/log.js";
import { type TestStoreHandle, testDatabase } from "../support/stores.js";

let handle: TestStoreHandle | undefined;
afterEach(async () => {
  await handle?.cleanup();
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
