import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError, configSchema, loadConfig, requireAdminKey } from "../../src/app/config.js";
import { configVariables, renderEnvExample } from "../../src/app/config-docs.js";
import { APP_VERSION } from "../../src/version.js";

describe("loadConfig", () => {
  it("applies defaults when nothing is set", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      ANTHROPIC_BASE_URL: "https://api.anthropic.com",
      REPORT_TIMEZONE: "UTC",
      FETCH_CONCURRENCY: 12,
      MAX_PERIOD_DAYS: 92,
    });
    expect(config.ANTHROPIC_ADMIN_KEY).toBeUndefined();
  });

  it("treats empty variables as unset", () => {
    expect(loadConfig({ REPORT_TIMEZONE: "", FETCH_CONCURRENCY: "  " }).REPORT_TIMEZONE).toBe(
      "UTC",
    );
  });

  it("names every invalid variable at once", () => {
    try {
      loadConfig({
        ANTHROPIC_BASE_URL: "ftp://x",
        FETCH_CONCURRENCY: "many",
        REPORT_TIMEZONE: "Nowhere/Land",
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const names = (error as ConfigError).problems.map((p) => p.split(":")[0]);
      expect(names.sort()).toEqual(["ANTHROPIC_BASE_URL", "FETCH_CONCURRENCY", "REPORT_TIMEZONE"]);
    }
  });

  it("team digests and budgets: team=value pairs, names in any case or as @handles", () => {
    const config = loadConfig({
      TEAM_DIGESTS: "Backend=C0123, @platform=G0456",
      TEAM_BUDGETS: "backend=5000,platform=2500.5",
      TEAMS_FROM_USERGROUPS: "all",
    });
    expect([...config.TEAM_DIGESTS]).toEqual([
      ["backend", "C0123"],
      ["platform", "G0456"],
    ]);
    expect([...config.TEAM_BUDGETS]).toEqual([
      ["backend", 5000],
      ["platform", 2500.5],
    ]);
    expect(config.TEAM_LEADS_SEE_TEAM).toBe(false);
  });

  it("team pairs that are wrong are named by position, with an example, never by value", () => {
    try {
      loadConfig({ TEAM_DIGESTS: "backend=#general, backend=C0123, =C9", TEAM_BUDGETS: "ops=-5" });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        "TEAM_DIGESTS: entry 1 must look like backend=C0123",
        "TEAM_DIGESTS: entry 3 must look like backend=C0123",
        "TEAM_BUDGETS: entry 1 must look like backend=5000",
      ]);
    }
  });

  it("BUDGET_USER_OVERRIDES: emails (any case) are people, other names API keys, off is no budget", () => {
    const config = loadConfig({
      BUDGET_USER_OVERRIDES: " Ada@Example.com=800 , ci-bot = 50.5,bob@example.com=off,",
    });
    expect([...config.BUDGET_USER_OVERRIDES]).toEqual([
      ["user:ada@example.com", 800],
      ["api_key:ci-bot", 50.5],
      ["user:bob@example.com", null],
    ]);
    expect(loadConfig({}).BUDGET_USER_OVERRIDES.size).toBe(0);
  });

  it("a bad BUDGET_USER_OVERRIDES entry is named by position, without echoing it", () => {
    for (const bad of ["zed@corp.test=lots", "zed@corp.test", "=5", "x=-3", "x=0"]) {
      try {
        loadConfig({ BUDGET_USER_OVERRIDES: `ci-bot=5, ${bad}` });
        expect.unreachable(bad);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        const [problem] = (error as ConfigError).problems;
        expect(problem).toMatch(/^BUDGET_USER_OVERRIDES: entry 2 must look like/);
        expect(problem).not.toMatch(/zed|lots|-3/);
      }
    }
  });

  it("requireAdminKey names the variable when missing, and returns it when set", () => {
    expect(() => requireAdminKey(loadConfig({}))).toThrow(/ANTHROPIC_ADMIN_KEY: is not set/);
    expect(requireAdminKey(loadConfig({ ANTHROPIC_ADMIN_KEY: "sk-ant-admin01-x" }))).toBe(
      "sk-ant-admin01-x",
    );
  });

  it("every variable of the schema is in the README's table, with its default", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const rows = new Map(
      readme
        .split("\n")
        .filter((line) => line.startsWith("| `"))
        .map((line) => line.split("|").map((cell) => cell.trim()))
        .map((cells) => [cells[1]?.replaceAll("`", ""), cells[2]?.replaceAll("`", "")]),
    );
    for (const v of configVariables()) {
      expect(rows.has(v.name), `${v.name} is missing from the README`).toBe(true);
      expect(rows.get(v.name), `${v.name}'s default in the README`).toBe(v.defaultValue ?? "—");
    }
    expect(Object.keys(configSchema.shape).length).toBe(configVariables().length);
  });

  it(".env.example is generated from the schema and up to date", () => {
    const example = readFileSync(new URL("../../.env.example", import.meta.url), "utf8");
    expect(example, "run: npm run --silent env:example > .env.example").toBe(renderEnvExample());
    for (const v of configVariables())
      expect(v.description, `${v.name} needs .describe()`).not.toBe("");
  });
});

describe("version", () => {
  it("src/version.ts matches package.json", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    expect(APP_VERSION).toBe(pkg.version);
  });
});

describe("the Slack app's options", () => {
  it("a new subscription's time is DIGEST_CRON's when it is one plain time, else 09:00", async () => {
    const { cronTimeOfDay } = await import("../../src/app/options.js");
    expect(cronTimeOfDay("30 8 * * 1-5")).toBe("08:30");
    expect(cronTimeOfDay("0 17 * * *")).toBe("17:00");
    expect(cronTimeOfDay("*/15 9 * * *")).toBe("09:00");
    expect(cronTimeOfDay("0 9,17 * * *")).toBe("09:00");
    expect(cronTimeOfDay("")).toBe("09:00");
  });
});
