import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { FAKE_ADMIN_KEY, startFakeAdminApi } from "../../fakes/fake-admin-api.js";
import { createSyntheticOrg } from "../../src/demo/synthetic-org.js";

/*
 * What ships is the tsc build (dist/, `node dist/main.js` in Docker), where the worker is
 * day-worker.js next to worker-fetcher.js — not the tsx bootstrap the other tests use. Build it
 * and fetch a day through it in a plain `node` process, which must then exit on its own: idle
 * workers do not keep a process alive.
 */

const root = new URL("../../", import.meta.url).pathname;
const run = promisify(execFile);
mkdirSync(join(root, "node_modules/.cache"), { recursive: true });
// Inside node_modules, so that the build resolves the project's packages.
const out = mkdtempSync(join(root, "node_modules/.cache/worker-build-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("the built worker", () => {
  it("fetches a day in dist/, keeps it in the SQLite store, and lets the process exit when idle", async () => {
    await run(join(root, "node_modules/.bin/tsc"), ["-p", "tsconfig.build.json", "--outDir", out], {
      cwd: root,
    });
    const org = createSyntheticOrg({ users: 200, seed: 3 });
    const api = await startFakeAdminApi({ org });
    try {
      const script = `
        import { createWorkerFetcher } from ${JSON.stringify(join(out, "loading/worker-fetcher.js"))};
        import { openStore } from ${JSON.stringify(join(out, "store/store.js"))};
        import { databaseLocation } from ${JSON.stringify(join(out, "store/database.js"))};
        const dataDir = ${JSON.stringify(join(out, "data"))};
        const store = await openStore({ dataDir });
        const workers = createWorkerFetcher({
          threads: 1,
          client: { adminKey: ${JSON.stringify(FAKE_ADMIN_KEY)}, baseUrl: ${JSON.stringify(api.url)} },
          // The worker loads the store's writer on its first day (a dynamic import in dist/).
          dayStore: { file: databaseLocation({ dataDir }), recentTtlMs: 60000 },
        });
        const day = await workers.fetchDay("2026-11-03", undefined, { final: true });
        const kept = await store.dayCache.get("2026-11-03");
        await store.close();
        console.log(JSON.stringify({
          records: day.records,
          running: workers.running,
          written: day.written,
          kept: kept?.totals.records,
        }));
        // No close(): an idle worker must not hold the process open.
      `;
      const file = join(out, "fetch-one-day.mjs");
      writeFileSync(file, script);
      const { stdout } = await run(process.execPath, [file], {
        cwd: root,
        timeout: 20_000,
      });
      const records = org.recordCount("2026-11-03");
      expect(JSON.parse(stdout)).toEqual({ records, running: 1, written: true, kept: records });
    } finally {
      await api.close();
    }
  }, 60_000);
});
