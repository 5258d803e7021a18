import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import {
  FAKE_ADMIN_KEY,
  type FakeAdminApi,
  startFakeAdminApi,
} from "../../fakes/fake-admin-api.js";
import {
  FAKE_BOT_TOKEN,
  type FakeSlackApi,
  startFakeSlackApi,
} from "../../fakes/fake-slack-api.js";
import { apiRecord } from "../../fakes/records.js";

/*
 * Whole processes: `claude-usage digest run` killed with SIGKILL in the middle of its DM fan-out
 * and run again; two of them at once on one PostgreSQL. Each DM must arrive exactly once.
 */

const people = Array.from({ length: 60 }, (_, i) => ({
  id: `U${2000 + i}`,
  email: `p${i}@example.com`,
}));
const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function fakes(latencyMs: number): Promise<{ api: FakeAdminApi; slack: FakeSlackApi }> {
  const api = await startFakeAdminApi({
    days: {
      [yesterday]: people.map((p) =>
        apiRecord({ day: yesterday, email: p.email, sessions: 2, models: [["m", 5]] }),
      ),
    },
  });
  const slack = await startFakeSlackApi({ users: people, botToken: FAKE_BOT_TOKEN, latencyMs });
  cleanups.push(
    () => api.close(),
    () => slack.close(),
  );
  return { api, slack };
}

function digestProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "digest", "run"], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      DIGEST_TIMEZONE: "UTC",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d) => {
    out += String(d);
  });
  child.stderr.on("data", (d) => {
    out += String(d);
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  cleanups.push(() => void child.kill("SIGKILL"));
  return { child, exited, output: () => out };
}

function dmsPerPerson(slack: FakeSlackApi): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of slack.messages) counts.set(m.channel, (counts.get(m.channel) ?? 0) + 1);
  return counts;
}

describe("digest processes", () => {
  it("killed with SIGKILL mid fan-out, then run again: nothing twice, nothing lost", async () => {
    const { api, slack } = await fakes(25);
    const dir = mkdtempSync(join(tmpdir(), "claude-usage-kill-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const env = {
      ANTHROPIC_ADMIN_KEY: FAKE_ADMIN_KEY,
      ANTHROPIC_BASE_URL: api.url,
      SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
      SLACK_API_URL: slack.apiUrl,
      DATA_DIR: dir,
      DM_SUMMARIES: "all",
      DELIVERY_LEASE_SECONDS: "1",
    };
    const first = digestProcess(env);
    for (let i = 0; i < 400 && slack.messages.length < 15; i++)
      await new Promise((r) => setTimeout(r, 25));
    first.child.kill("SIGKILL");
    await first.exited;
    const before = slack.messages.length;
    expect(before).toBeGreaterThanOrEqual(15);
    expect(before).toBeLessThan(people.length);

    await new Promise((r) => setTimeout(r, 1200)); // the dead run's claims lapse
    const second = digestProcess(env);
    expect(await second.exited).toBe(0);
    const counts = dmsPerPerson(slack);
    expect(counts.size).toBe(people.length);
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect(second.output()).toMatch(/posted \d+ · already delivered \d+ · recovered \d+/);
  }, 60_000);

  it.runIf(process.env.TEST_DATABASE_URL)(
    "two processes on one PostgreSQL at once: each DM exactly once",
    async () => {
      const { api, slack } = await fakes(5);
      const url = process.env.TEST_DATABASE_URL ?? "";
      const schema = `proc_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${schema}`);
      cleanups.push(async () => {
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await admin.end();
      });
      const databaseUrl = `${url}${url.includes("?") ? "&" : "?"}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
      const env = {
        ANTHROPIC_ADMIN_KEY: FAKE_ADMIN_KEY,
        ANTHROPIC_BASE_URL: api.url,
        SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
        SLACK_API_URL: slack.apiUrl,
        DATABASE_URL: databaseUrl,
        DM_SUMMARIES: "all",
      };
      const [a, b] = [digestProcess(env), digestProcess(env)];
      const codes = await Promise.all([a.exited, b.exited]);
      // Each posts what it claimed; one that met the other's live claims says so (5: busy).
      for (const code of codes) expect([0, 5], a.output() + b.output()).toContain(code);
      const counts = dmsPerPerson(slack);
      expect(counts.size).toBe(people.length);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
    },
    60_000,
  );
});
