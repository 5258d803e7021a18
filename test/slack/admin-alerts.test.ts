import { describe, expect, it } from "vitest";
import type { SlackMessage } from "../../src/render/blocks/limits.js";
import { createScrubber } from "../../src/scrub.js";
import { ADMIN_ALERT_EVERY_MS, createAdminAlerts } from "../../src/slack/admin-alerts.js";

/* Who is DMed about a failure, and how often: one DM per kind an hour, whatever the burst. */

function alerts(options: { adminIds?: string[]; fail?: (userId: string) => boolean } = {}) {
  let clock = Date.parse("2026-11-25T09:00:00Z");
  const sent: { userId: string; message: SlackMessage }[] = [];
  const tell = createAdminAlerts({
    adminIds: options.adminIds ?? ["UBOSS", "UOPS"],
    scrub: createScrubber(["the-admin-secret-0000"]),
    now: () => clock,
    post: async (userId, message) => {
      if (options.fail?.(userId)) throw new Error("channel_not_found");
      sent.push({ userId, message });
    },
  });
  const advance = (ms: number) => {
    clock += ms;
  };
  return { tell, sent, advance };
}

const failure = (ref: string, kind = "anthropic auth") => ({
  ref,
  kind,
  detail: "the Anthropic admin key was rejected (401). It said: the-admin-secret-0000",
});

describe("admin alerts", () => {
  it("a burst of one kind is one DM to each admin; a later hour, or another kind, is another", async () => {
    const { tell, sent, advance } = alerts();
    const told = await Promise.all([tell.tell(failure("aaa111")), tell.tell(failure("bbb222"))]);
    expect(told).toEqual([true, true]);
    expect(sent.map((s) => s.userId)).toEqual(["UBOSS", "UOPS"]);
    expect(sent[0]?.message.text).toContain("ref aaa111");
    expect(JSON.stringify(sent)).not.toContain("the-admin-secret");

    expect(await tell.tell(failure("ccc333", "slack missing_scope"))).toBe(true);
    expect(sent).toHaveLength(4);
    advance(ADMIN_ALERT_EVERY_MS - 1);
    expect(await tell.tell(failure("ddd444"))).toBe(true);
    expect(sent).toHaveLength(4);
    advance(1);
    expect(await tell.tell(failure("eee555"))).toBe(true);
    expect(sent.slice(4).map((s) => s.message.text)).toEqual([
      expect.stringContaining("ref eee555"),
      expect.stringContaining("ref eee555"),
    ]);
  });

  it("no admins: no one is told; a DM that reaches no one is tried again by the next failure", async () => {
    expect(await alerts({ adminIds: [] }).tell.tell(failure("aaa111"))).toBe(false);
    let down = true;
    const { tell, sent } = alerts({ adminIds: ["UBOSS"], fail: () => down });
    expect(await tell.tell(failure("aaa111"))).toBe(false);
    down = false;
    expect(await tell.tell(failure("bbb222"))).toBe(true);
    expect(sent.map((s) => s.message.text)).toEqual([expect.stringContaining("ref bbb222")]);
  });

  it("one admin unreachable, another told: told", async () => {
    const { tell, sent } = alerts({ fail: (id) => id === "UOPS" });
    expect(await tell.tell(failure("aaa111"))).toBe(true);
    expect(sent.map((s) => s.userId)).toEqual(["UBOSS"]);
  });
});
