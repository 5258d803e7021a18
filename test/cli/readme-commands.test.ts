import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EXIT_OK } from "../../src/cli/exit-codes.js";
import { runCliCaptured } from "../support/cli.js";

/*
 * Every demo command the README shows (`npm run --silent cli -- … --demo`, with any VAR=value in
 * front) runs and succeeds, so that what people copy works. Paths under /tmp go to a temp dir.
 */

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const dir = mkdtempSync(join(tmpdir(), "claude-usage-readme-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PREFIX = "npm run --silent cli -- ";

/** The README's demo command lines, without their comments or redirections. */
const lines = [...readme.matchAll(/^([A-Z_]+=\S+ )*npm run --silent cli -- .*--demo.*$/gm)]
  .map((m) => m[0])
  .map((line) => line.replace(/\s+#.*$/, "").replace(/\s*>.*$/, ""));

/** Shell words: "last 7 days" stays one. */
function words(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? "");
}

describe("the README's demo commands", () => {
  it("are found", () => {
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.some((l) => l.includes("--preview"))).toBe(true);
  });

  it.each(lines)(
    "%s",
    async (line) => {
      const at = line.indexOf(PREFIX);
      const env: NodeJS.ProcessEnv = { DATA_DIR: join(dir, "data") };
      for (const assignment of line.slice(0, at).trim().split(/\s+/).filter(Boolean)) {
        const [name = "", value = ""] = assignment.split("=");
        env[name] = value;
      }
      const argv = words(line.slice(at + PREFIX.length)).map((w) =>
        w.startsWith("/tmp/") ? join(dir, w.slice(5)) : w,
      );
      const { code, stderr } = await runCliCaptured(argv, env);
      expect(stderr.replace(/^.*"level":"(debug|info)".*$/gm, "")).not.toMatch(/error/i);
      expect(code).toBe(EXIT_OK);
      const preview = argv[argv.indexOf("--preview") + 1];
      if (argv.includes("--preview") && preview) {
        expect(readdirSync(preview).length).toBeGreaterThan(1);
      }
    },
    60_000,
  );
});
