import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import {
  FAKE_ADMIN_KEY,
  type FakeAdminApi,
  startFakeAdminApi,
} from "../../fakes/fake-admin-api.js";
import { apiRecord } from "../../fakes/records.js";
import { runCli } from "../../src/cli/run.js";

const dataDirs: string[] = [];
afterEach(() => {
  for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * Run the CLI in-process, capturing what it writes. Without DATA_DIR or DATABASE_URL, each run
 * gets a store of its own (the CLI keeps days in one by default), so that runs never share days.
 */
export async function runCliCaptured(
  argv: string[],
  env: NodeJS.ProcessEnv = {},
  now?: Date,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  let dataDir: string | undefined;
  if (env.DATA_DIR === undefined && env.DATABASE_URL === undefined) {
    dataDir = mkdtempSync(join(tmpdir(), "claude-usage-cli-"));
    dataDirs.push(dataDir);
  }
  const code = await runCli(argv, {
    env: dataDir ? { ...env, DATA_DIR: dataDir } : env,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    now: now ? () => now : undefined,
  });
  return { code, stdout, stderr };
}

export const OPUS = "claude-opus-4-1-20250805";
export const SONNET = "claude-sonnet-4-5-20250929";

/** Two days of a small organisation: Ada (twice, in two cases) and a deploy key. */
export const REPORT_DAYS = {
  "2026-11-24": [
    apiRecord({
      email: "ada@example.com",
      terminal: "vscode",
      sessions: 3,
      added: 412,
      removed: 97,
      commits: 4,
      prs: 1,
      edit: [31, 3],
      models: [[SONNET, 388.41, 48210, 12877]],
    }),
    apiRecord({
      email: "ADA@example.com",
      terminal: "iTerm.app",
      sessions: 1,
      added: 10,
      models: [[OPUS, 100.2, 100, 50]],
    }),
    apiRecord({
      apiKey: "deploy-bot",
      terminal: "non-interactive",
      sessions: 2,
      commits: 1,
      models: [[OPUS, 1000]],
    }),
  ],
  // The baseline of the 24th: the same weekday a week earlier.
  "2026-11-17": [apiRecord({ email: "ada@example.com", sessions: 1, models: [[SONNET, 244.3]] })],
};

/**
 * A fake Admin API for each test that asks for one, closed after it: `env()` starts it (with
 * REPORT_DAYS unless told) and returns the CLI's environment for it.
 */
export function fakeApiPerTest() {
  let api: FakeAdminApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });
  return {
    async env(options: Parameters<typeof startFakeAdminApi>[0] = { days: REPORT_DAYS }) {
      api = await startFakeAdminApi(options);
      return {
        ANTHROPIC_ADMIN_KEY: FAKE_ADMIN_KEY,
        ANTHROPIC_BASE_URL: api.url,
        API_MAX_ATTEMPTS: "2",
      };
    },
    get api() {
      return api;
    },
  };
}
