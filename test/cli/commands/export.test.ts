import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT_OK, EXIT_USAGE } from "../../../src/cli/exit-codes.js";
import { fakeApiPerTest, runCliCaptured } from "../../support/cli.js";

const now = new Date("2026-11-25T10:00:00Z");
const fake = fakeApiPerTest();
const cli = (argv: string[], env: NodeJS.ProcessEnv = {}) => runCliCaptured(argv, env, now);

describe("claude-usage export", () => {
  it("writes the by-day and summary CSV files (the ones Slack gets) into --out", async () => {
    const out = await mkdtemp(join(tmpdir(), "claude-usage-export-"));
    const env = await fake.env();
    const { code, stdout } = await cli(["export", "yesterday", "--out", out], env);
    expect(code).toBe(EXIT_OK);
    expect(stdout).toContain("Claude Code usage export, 2026-11-24 (UTC)");
    const byDay = await readFile(join(out, "claude-usage-2026-11-24-by-day.csv"), "utf8");
    const summary = await readFile(join(out, "claude-usage-2026-11-24-summary.csv"), "utf8");
    expect(stdout).toContain(`wrote ${join(out, "claude-usage-2026-11-24-by-day.csv")}`);
    const rows = byDay.trimEnd().split("\r\n");
    expect(rows).toHaveLength(3);
    expect(rows[1]).toMatch(/^2026-11-24,deploy-bot,api_key,deploy-bot,10\.0000,1000,/);
    // Without Slack no person is named: the name column is empty for them.
    expect(rows[2]).toMatch(/^2026-11-24,[^,]+@[^,]+,user,,/);
    // The summary is what `report --format csv` prints.
    const report = await cli(["report", "yesterday", "--format", "csv"], env);
    expect(summary).toBe(report.stdout);
  });

  it("a bad period is a usage error naming the accepted forms (exit 2), writing nothing", async () => {
    const out = await mkdtemp(join(tmpdir(), "claude-usage-export-"));
    const { code, stderr } = await cli(["export", "fortnight", "--out", out], await fake.env());
    expect(code).toBe(EXIT_USAGE);
    expect(stderr).toContain("fortnight");
    expect(await readdir(out)).toEqual([]);
  });

  it.each([
    [["export", "--format", "csv"], /Unknown option '--format'/],
    [["export", "--out"], /Option '--out <value>' argument missing/],
  ])("bad usage %j exits 2 with the usage", async (argv, message) => {
    const { code, stderr } = await cli(argv);
    expect(code).toBe(EXIT_USAGE);
    expect(stderr).toMatch(message);
    expect(stderr).toContain("Usage:");
  });
});
