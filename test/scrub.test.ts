import { describe, expect, it } from "vitest";
import { secretsFromEnv } from "../src/log.js";
import { createScrubber, REDACTED, scrub, urlPasswords } from "../src/scrub.js";

/* What counts as a secret in text that may be logged or shown, and what is left alone. */

const KEY = "sk-ant-admin01-Q7pX2mRt9LwZ4vKc8NbY3hJd6FsG";
const TOKEN = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx";
const SECRETS = [KEY, TOKEN];
const clean = createScrubber(SECRETS);

describe("scrub: runs of configured secrets", () => {
  it("redacts the whole secret, a prefix, a suffix and a middle run of 12 or more", () => {
    expect(clean(`key=${KEY};`)).toBe(`key=${REDACTED};`);
    expect(clean(`echo: ${KEY.slice(0, 30)}…`)).toBe(`echo: ${REDACTED}…`);
    expect(clean(`tail ${KEY.slice(-12)} end`)).toBe(`tail ${REDACTED} end`);
    expect(clean(`in "${KEY.slice(17, 31)}" here`)).toBe(`in "${REDACTED}" here`);
    expect(clean(`bot ${TOKEN.slice(20, 45)}.`)).toBe(`bot ${REDACTED}.`);
  });

  it("redacts upper-, lower- and mixed-case forms", () => {
    expect(clean(`A ${KEY.toUpperCase()} B`)).toBe(`A ${REDACTED} B`);
    expect(clean(`A ${KEY.toLowerCase()} B`)).toBe(`A ${REDACTED} B`);
    const mixed = [...KEY.slice(15)].map((c, i) => (i % 2 ? c.toUpperCase() : c.toLowerCase()));
    expect(clean(`A ${mixed.join("")} B`)).toBe(`A ${REDACTED} B`);
  });

  it("redacts its base64 at each of the three byte alignments, standard and URL-safe", () => {
    // "Bearer " (7 bytes) and "user:" (5 bytes) put the key at the other two alignments.
    for (const before of ["", "Bearer ", "user:"]) {
      for (const encoding of ["base64", "base64url"] as const) {
        const encoded = Buffer.from(`${before}${KEY}`).toString(encoding);
        const out = clean(`auth ${encoded} end`);
        expect(out, `${encoding} after ${JSON.stringify(before)}`).toContain(REDACTED);
        // What is left: the encoding of the words before the key, and a character or two after.
        const [left = "", right = ""] = out.slice("auth ".length, -" end".length).split(REDACTED);
        expect(left.length).toBeLessThanOrEqual(Math.ceil((before.length * 4) / 3));
        expect(right.length).toBeLessThanOrEqual(4);
      }
    }
  });

  it("redacts two secrets side by side and several occurrences", () => {
    expect(clean(`${KEY}${TOKEN} and ${KEY}`)).toBe(`${REDACTED} and ${REDACTED}`);
  });

  it("leaves ordinary text, and fragments shorter than 12 characters, alone", () => {
    const ordinary = "Use an Admin API key (sk-ant-admin…); the report for 2026-11-24 is ready.";
    expect(clean(ordinary)).toBe(ordinary);
    const fragment = `fragment ${KEY.slice(15, 26)} and ${TOKEN.slice(-11)}`;
    expect(clean(fragment)).toBe(fragment);
    expect(clean("")).toBe("");
  });

  it("a public prefix alone is not a secret, but goes with the secret next to it", () => {
    expect(clean(`[${KEY.slice(0, 16)}]`)).toBe(`[${REDACTED}]`);
  });

  it("secrets under 12 characters are matched exactly, and not at all under 8", () => {
    expect(scrub("pw=hunter2pass;", ["hunter2pass"])).toBe(`pw=${REDACTED};`);
    expect(scrub("short values like abc stay", ["abc"])).toBe("short values like abc stay");
  });

  it("scrubs a 10 KB line with the secret at its end, leaving the rest as it was", () => {
    const filler = "ordinary words, numbers 0123456789 and ids ".repeat(240);
    expect(filler.length).toBeGreaterThan(10_000);
    expect(clean(`${filler}${KEY.toUpperCase()}`)).toBe(`${filler}${REDACTED}`);
  });
});

describe("scrub: shapes and URLs", () => {
  it("still redacts credential shapes that were never configured", () => {
    expect(scrub("a sk-ant-api03-abcdefghijkl and xoxp-99999999-x")).toBe(
      `a ${REDACTED} and ${REDACTED}`,
    );
  });

  it("redacts the password of any URL, and nothing else of it", () => {
    expect(scrub("postgres://bob:s3cret@db.example.com:99999/usage")).toBe(
      `postgres://bob:${REDACTED}@db.example.com:99999/usage`,
    );
    expect(scrub('{"url":"redis://:pw@cache:6379","email":"ada@example.com"}')).toBe(
      `{"url":"redis://:${REDACTED}@cache:6379","email":"ada@example.com"}`,
    );
    expect(scrub("amqp://u:p@ss@host/v")).toBe(`amqp://u:${REDACTED}@host/v`);
    const untouched =
      "https://user@host/x https://host:443/path http://a:8080 mail ada@example.com";
    expect(scrub(untouched)).toBe(untouched);
  });

  it("finds a URL's password even when the URL is invalid", () => {
    expect(urlPasswords("postgres://bob:pa%40ss@127.0.0.1:99999/db")).toEqual(["pa%40ss", "pa@ss"]);
    expect(urlPasswords("postgres://bob@host/db")).toEqual([]);
    expect(urlPasswords(undefined)).toEqual([]);
  });

  it("DATABASE_URL's password is one of the environment's secrets", () => {
    expect(
      secretsFromEnv({
        ANTHROPIC_ADMIN_KEY: KEY,
        DATABASE_URL: "postgres://bob:a-long-db-password@127.0.0.1:99999/db",
      }),
    ).toEqual([KEY, "a-long-db-password"]);
  });
});
