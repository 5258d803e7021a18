import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { EXIT_OK, EXIT_USAGE } from "../../src/cli/exit-codes.js";
import { commandHelp } from "../../src/cli/help.js";
import { COMMANDS, USAGE } from "../../src/cli/run.js";
import { APP_VERSION } from "../../src/version.js";
import { runCliCaptured } from "../support/cli.js";

const cli = (argv: string[]) => runCliCaptured(argv);

describe("claude-usage (the dispatcher)", () => {
  it.each([
    [["frobnicate"], /unknown command "frobnicate"/],
    [["digest"], /did you mean "digest run"\?/],
    [["digest", "now"], /did you mean "digest run"\?/],
  ])("bad usage %j exits 2 with help", async (argv, message) => {
    const { code, stderr } = await cli(argv);
    expect(code).toBe(EXIT_USAGE);
    expect(stderr).toMatch(message);
    expect(stderr).toContain("Usage:");
  });

  it("help and --version", async () => {
    expect((await cli(["help"])).stdout).toContain("claude-usage report [period]");
    expect(await cli(["--version"])).toMatchObject({ code: EXIT_OK, stdout: `${APP_VERSION}\n` });
    expect(await cli(["-v"])).toMatchObject({ code: EXIT_OK, stdout: `${APP_VERSION}\n` });
  });

  it("help, --help and -h print the usage (exit 0); no command prints it and exits 2", async () => {
    for (const argv of [["help"], ["--help"], ["-h"], ["help", "frobnicate"]]) {
      expect(await cli(argv)).toEqual({ code: EXIT_OK, stdout: USAGE, stderr: "" });
    }
    expect(await cli([])).toEqual({ code: EXIT_USAGE, stdout: USAGE, stderr: "" });
  });

  it("help <command> prints that command's help", async () => {
    for (const command of COMMANDS) {
      const { code, stdout } = await cli(["help", ...command.name.split(" ")]);
      expect(code).toBe(EXIT_OK);
      expect(stdout).toBe(commandHelp(command));
    }
    // Its first word is enough.
    expect((await cli(["help", "digest"])).stdout).toMatch(/^Usage: claude-usage digest run/);
  });
});

describe("the real entry point", () => {
  it("`npm run --silent cli -- report --demo --format json` prints pure JSON", async () => {
    const { stdout } = await promisify(execFile)(
      "npm",
      ["run", "--silent", "cli", "--", "report", "yesterday", "--demo", "--format", "json"],
      { env: { ...process.env, ANTHROPIC_ADMIN_KEY: "" } },
    );
    const json = JSON.parse(stdout);
    expect(json.period.days).toBe(1);
    expect(json.users.length).toBeGreaterThan(0);
  });
});
