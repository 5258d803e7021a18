import { createConnection, createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { StoreError } from "../../src/store/errors.js";
import { openStore, type Store } from "../../src/store/store.js";

/*
 * A PostgreSQL server that stops answering without closing the connection (a network cut, a hung
 * host): a query fails after the query timeout, in words, instead of waiting for ever.
 * Runs only with TEST_DATABASE_URL, through a TCP relay on 127.0.0.1 that can stall.
 */

const url = process.env.TEST_DATABASE_URL;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Relays to the real server; `stall()` keeps the connections open but passes nothing on. */
async function stallingRelay(target: URL): Promise<{ port: number; stall(): void }> {
  let stalled = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    client.on("data", (chunk) => {
      if (!stalled) upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      if (!stalled) client.write(chunk);
    });
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no port");
  return {
    port: address.port,
    stall: () => {
      stalled = true;
    },
  };
}

describe.skipIf(!url)("a PostgreSQL server that stops answering", () => {
  it("fails the query after the query timeout, saying so, and keeps no secret", async () => {
    const target = new URL(url ?? "");
    const relay = await stallingRelay(target);
    const through = new URL(target);
    through.hostname = "127.0.0.1";
    through.port = String(relay.port);
    const schema = `stall_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const store: Store = await openStore({
      databaseUrl: through.toString(),
      schema,
      queryTimeoutMs: 400,
    });
    cleanups.push(async () => {
      await store.close().catch(() => undefined);
      const admin = await openStore({ databaseUrl: url, schema });
      await admin.database.db.schema.dropSchema(schema).ifExists().cascade().execute();
      await admin.close();
    });
    await store.preferences.setDmPreference("U1", "on");
    expect(await store.preferences.getDmPreference("U1")).toBe("on");

    relay.stall();
    const failure = await store.preferences.getDmPreference("U1").then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as StoreError).unreachable).toBe(true);
    expect((failure as StoreError).message).toMatch(
      /cannot be reached: the server stopped answering \(no reply in time\)/,
    );
  });
});
