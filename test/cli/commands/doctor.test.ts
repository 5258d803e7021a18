import { describe, expect, it } from "vitest";
import { EXIT_OK, EXIT_USAGE } from "../../../src/cli/exit-codes.js";
import { runCliCaptured } from "../../support/cli.js";

// What doctor checks, and how it says so: test/app/doctor.test.ts.
describe("claude-usage doctor: usage", () => {
  it.each([
    [["doctor", "--demo"], /Unknown option '--demo'/],
    [["doctor", "now"], /Unexpected argument 'now'/],
  ])("bad usage %j exits 2 with the usage, checking nothing", async (argv, message) => {
    const { code, stdout, stderr } = await runCliCaptured(argv);
    expect(code).toBe(EXIT_USAGE);
    expect(stdout).toBe("");
    expect(stderr).toMatch(message);
    expect(stderr).toContain("Usage:");
  });

  it("--help prints its own help (exit 0)", async () => {
    const { code, stdout } = await runCliCaptured(["doctor", "-h"]);
    expect(code).toBe(EXIT_OK);
    expect(stdout).toMatch(/^Usage: claude-usage doctor\n/);
    expect(stdout).toContain("-h, --help");
  });
});
