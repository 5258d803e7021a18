import { describe, expect, it } from "vitest";
import { describeStoreFailure, isUnreachable, StoreError } from "../../src/store/errors.js";
import { openStore } from "../../src/store/store.js";
import { freePort } from "../support/throwaway-postgres.js";

/* Store failures in words: what the CLI prints and what replies say. */

const coded = (code: string, message = "x") => Object.assign(new Error(message), { code });

describe("describeStoreFailure", () => {
  it("says why in words, for connection failures and PostgreSQL's codes", () => {
    expect(describeStoreFailure(coded("ECONNREFUSED"))).toBe(
      "connection refused (is PostgreSQL running and listening there?)",
    );
    expect(describeStoreFailure(coded("ENOTFOUND"))).toBe("the host name does not resolve");
    expect(describeStoreFailure(coded("57P01"))).toBe("the server is shutting down");
    expect(describeStoreFailure(coded("28P01"))).toBe(
      "the server refused the login (wrong user or password)",
    );
    expect(describeStoreFailure(new Error("Connection terminated unexpectedly"))).toBe(
      "the server closed the connection",
    );
    expect(describeStoreFailure(new Error("Connection terminated due to connection timeout"))).toBe(
      "the connection timed out",
    );
    // Every address of "localhost" refused: Node reports an AggregateError.
    const all = new AggregateError([coded("ECONNREFUSED"), coded("ECONNREFUSED")], "");
    expect(describeStoreFailure(all)).toBe(
      "connection refused (is PostgreSQL running and listening there?)",
    );
    // Anything else: its own first line.
    expect(describeStoreFailure(coded("42P01", 'relation "preferences" does not exist'))).toBe(
      'relation "preferences" does not exist',
    );
  });

  it("tells a database that is not there from one that refuses a query", () => {
    expect(isUnreachable(coded("ECONNREFUSED"))).toBe(true);
    expect(isUnreachable(coded("57P03"))).toBe(true);
    expect(isUnreachable(new Error("driver has already been destroyed"))).toBe(true);
    expect(isUnreachable(coded("42P01"))).toBe(false);
    expect(isUnreachable(coded("23505"))).toBe(false);
  });
});

describe("StoreError", () => {
  it("names the store and the reason, in one line, with secrets hidden", () => {
    const error = new StoreError(
      "postgres://db:5432/usage",
      "open",
      new Error("no pg_hba.conf entry for s3cret-pw\nDETAIL: more"),
      { secrets: ["s3cret-pw"] },
    );
    expect(error.message).toBe(
      "the store (postgres://db:5432/usage) failed to open: no pg_hba.conf entry for [redacted]",
    );
    expect(error.unreachable).toBe(false);
    expect(error.cause).toBeInstanceOf(Error);
  });
});

describe("openStore when the database cannot be reached", () => {
  it("throws a StoreError naming where, without the password", async () => {
    const port = await freePort();
    const error = await openStore({
      databaseUrl: `postgres://usage:p%40ss-word@127.0.0.1:${port}/usage`,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toBe(
      `the store (postgres://127.0.0.1:${port}/usage) cannot be reached: connection refused (is PostgreSQL running and listening there?)`,
    );
    expect((error as StoreError).unreachable).toBe(true);
  });
});
