import { describe, expect, it } from "vitest";
import {
  createLogger,
  newReferenceId,
  prettyLine,
  REDACTED,
  scrub,
  secretsFromEnv,
} from "../src/log.js";

const ADMIN = "sk-ant-admin01-RECOGNISABLE.fake.admin.key";
const BOT = "xoxb-RECOGNISABLE-bot-token-1234567890";
const SIGNING = "RECOGNISABLE-signing-secret-abcdef";

function capture(pretty = false) {
  const lines: string[] = [];
  const logger = createLogger({
    pretty,
    secrets: [ADMIN, BOT, SIGNING],
    sink: { write: (l) => lines.push(l) },
  });
  return { logger, text: () => lines.join("") };
}

describe("logger", () => {
  it("writes structured JSON lines with level, time and fields", () => {
    const { logger, text } = capture();
    logger.info({ ref: "a1b2c3", days: 7 }, "report served");
    const entry = JSON.parse(text());
    expect(entry).toMatchObject({
      level: "info",
      msg: "report served",
      ref: "a1b2c3",
      days: 7,
      app: "claude-usage",
    });
    expect(entry.time).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("never writes a secret: in messages, fields, nested objects or errors", () => {
    const { logger, text } = capture();
    logger.info(`key is ${ADMIN}`);
    logger.warn({ config: { token: BOT, other: `prefix ${SIGNING} suffix` } }, "config");
    logger.error({ err: new Error(`request with ${ADMIN} failed`) }, "boom");
    logger.info({ headers: { "x-api-key": "short", authorization: `Bearer ${BOT}` } }, "request");
    const out = text();
    expect(out).not.toContain(ADMIN);
    expect(out).not.toContain(BOT);
    expect(out).not.toContain(SIGNING);
    expect(out).not.toContain("RECOGNISABLE");
    expect(out).toContain(REDACTED);
  });

  it("at trace level too, never writes an echoed prefix, upper-cased form or base64 of one", () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: "trace",
      secrets: [ADMIN, BOT, SIGNING],
      sink: { write: (l) => lines.push(l) },
    });
    const echoes = [
      ADMIN.slice(0, 30),
      ADMIN.toUpperCase(),
      Buffer.from(ADMIN).toString("base64"),
      Buffer.from(`Bearer ${BOT}`).toString("base64"),
      SIGNING.slice(-14),
    ];
    logger.trace({ upstream: { message: echoes.join(" / ") } }, `echoed ${echoes.join(" ")}`);
    logger.error({ err: new Error(`upstream said ${echoes.join(", ")}`) }, "failed");
    const out = lines.join("");
    expect(lines).toHaveLength(2);
    for (const echo of echoes) expect(out).not.toContain(echo);
    expect(out.toLowerCase()).not.toContain("recognisable");
  });

  it("redacts credential shapes even when not configured", () => {
    expect(
      scrub("a sk-ant-api03-abcdefghijkl and xapp-1-A0-12345678-abc and xoxp-99999999-x"),
    ).toBe(`a ${REDACTED} and ${REDACTED} and ${REDACTED}`);
    expect(scrub("short values like abc stay", ["abc"])).toBe("short values like abc stay");
  });

  it("prints one readable line per event on a terminal", () => {
    const { logger, text } = capture(true);
    logger.info({ ref: "a1b2c3" }, "report served");
    expect(text()).toMatch(/^\d\d:\d\d:\d\d INFO {2}report served {2}ref=a1b2c3\n$/);
    expect(prettyLine("not json")).toBe("not json");
  });

  it("finds secrets in the environment by name", () => {
    expect(
      secretsFromEnv({ ANTHROPIC_ADMIN_KEY: ADMIN, SLACK_BOT_TOKEN: " ", OTHER: "x" }),
    ).toEqual([ADMIN]);
  });

  it("reference ids are short and distinct", () => {
    const ids = new Set(Array.from({ length: 50 }, newReferenceId));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{6}$/);
  });
});
