import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/app/config.js";
import { openRuntime } from "../../src/app/runtime.js";
import { readTeamsFile } from "../../src/app/teams.js";
import { createLogger } from "../../src/log.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "claude-usage-teams-"));
  dirs.push(dir);
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ sink: { write: (line) => void lines.push(JSON.parse(line)) } });
  return { logger, lines };
}

function configError(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("TEAMS_FILE", () => {
  it("bad rows are logged with their line and left out; the rest is used", () => {
    const { logger, lines } = capture();
    const read = readTeamsFile(
      { TEAMS_FILE: file("teams.csv", "email,team\nada@x.io,backend\nbo@,backend\n") },
      logger,
    );
    expect(read?.memberships.map((m) => m.actorKey)).toEqual(["user:ada@x.io"]);
    expect(lines.map((l) => [l.msg, l.line])).toEqual([
      ['TEAMS_FILE row left out: "bo@" is not an email address', 3],
    ]);
  });

  it("a file of the wrong shape, or missing, stops start-up naming the variable and the line", () => {
    const { logger } = capture();
    const wrong = file("teams.csv", "email,squad\nada@x.io,backend\n");
    expect(configError(() => readTeamsFile({ TEAMS_FILE: wrong }, logger))).toEqual([
      `TEAMS_FILE: ${wrong} line 1: unknown column "squad" (expected email, team, cost_center, manager)`,
    ]);
    expect(
      configError(() => readTeamsFile({ TEAMS_FILE: "/nonexistent/teams.csv" }, logger)),
    ).toEqual(["TEAMS_FILE: cannot read /nonexistent/teams.csv (ENOENT)."]);
  });

  it("unset: no teams, and the runtime says none are configured", async () => {
    const { logger } = capture();
    expect(readTeamsFile({ TEAMS_FILE: undefined }, logger)).toBeUndefined();
    const runtime = await openRuntime(loadConfig({ ANTHROPIC_ADMIN_KEY: "sk-ant-admin01-x" }), {
      logger,
    });
    try {
      expect(runtime.teams.configured).toBe(false);
    } finally {
      await runtime.close();
    }
  });
});

describe("the demo organisation", () => {
  it("has teams (a person in two, some in none) and a roster with members who never use it", async () => {
    const { logger } = capture();
    const runtime = await openRuntime(loadConfig({}), { logger, demo: true });
    try {
      const { roster } = await runtime.teams.teams();
      expect(roster.teams.map((t) => t.name)).toEqual(["Backend", "Data", "Mobile", "Platform"]);
      expect(roster.teams.every((t) => t.managers.length === 1)).toBe(true);
      const members = await runtime.roster.members();
      expect(members.ok && members.items.length).toBe(43);
      const keys = await runtime.roster.apiKeys();
      expect(keys.ok && keys.items.map((k) => k.name)).toEqual(["ci-review-bot", "deploy-bot"]);
      expect(roster.find("platform")?.members.has("api_key:deploy-bot")).toBe(true);
    } finally {
      await runtime.close();
    }
  });
});
