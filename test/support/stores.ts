import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openStore, type Store, type StoreOptions } from "../../src/store/store.js";

/*
 * Real stores for tests: a SQLite file in a temp dir, and PostgreSQL (when TEST_DATABASE_URL is
 * set) in a schema of its own, dropped afterwards.
 */

export type TestDialect = "sqlite" | "postgres";

export const TEST_DIALECTS: TestDialect[] = process.env.TEST_DATABASE_URL
  ? ["sqlite", "postgres"]
  : ["sqlite"];

export interface TestStoreHandle {
  /** Where the database is (for tests that open it without the store, as an older release). */
  options: StoreOptions;
  /** Open (another) store on the same database: a second replica. */
  open(extra?: Partial<StoreOptions>): Promise<Store>;
  cleanup(): Promise<void>;
}

export function testDatabase(dialect: TestDialect): TestStoreHandle {
  const opened: Store[] = [];
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "claude-usage-test-"));
    return {
      options: { dataDir: dir },
      async open(extra = {}) {
        const store = await openStore({ dataDir: dir, ...extra });
        opened.push(store);
        return store;
      },
      async cleanup() {
        for (const s of opened) await s.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const url = process.env.TEST_DATABASE_URL ?? "";
  const schema = `test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  return {
    options: { databaseUrl: url, schema },
    async open(extra = {}) {
      const store = await openStore({ databaseUrl: url, schema, ...extra });
      opened.push(store);
      return store;
    },
    async cleanup() {
      for (const s of opened) await s.close();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}
