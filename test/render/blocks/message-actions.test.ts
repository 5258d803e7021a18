import type { ActionsBlock, KnownBlock } from "@slack/web-api";
import { describe, expect, it } from "vitest";
import { apiRecord, type RecordSpec } from "../../../fakes/records.js";
import { parseRecords } from "../../../src/anthropic/records.js";
import {
  ACTION_VALUE_VERSION,
  actionValueSchema,
  DIGEST_ACTIONS_BLOCK,
  DM_ACTIONS_BLOCK,
  limitViolations,
  MAX_ACTION_VALUE,
  MAX_BLOCKS,
  messageActionsBlock,
  renderOrgReport,
  renderPersonalReport,
  type SlackMessage,
  withActions,
} from "../../../src/render/blocks/index.js";
import { mergeCompact } from "../../../src/usage/compact.js";
import { compactDay } from "../../../src/usage/day-builder.js";
import { parsePeriod } from "../../../src/usage/periods.js";
import { buildReport, type UsageReport } from "../../../src/usage/report.js";

const now = new Date("2026-11-25T09:00:00Z");
const OPUS = "claude-opus-4-1-20250805";

function report(specs: RecordSpec[], periodText = "yesterday"): UsageReport {
  const period = parsePeriod(periodText, { now, timeZone: "UTC" });
  const current = mergeCompact(
    period.days.map((d, i) =>
      compactDay(d, i === 0 ? parseRecords(specs.map(apiRecord)).records : []),
    ),
  );
  return buildReport({ period, current, generatedAt: now });
}

const sample = () =>
  report([
    { email: "maria@example.com", sessions: 31, added: 4100, models: [[OPUS, 14210]] },
    { email: "sam@example.com", sessions: 2, models: [[OPUS, 9602]] },
  ]);

function actionsOf(message: SlackMessage): ActionsBlock {
  const last = message.blocks.at(-1);
  if (last?.type !== "actions") throw new Error(`the last block is ${last?.type}`);
  return last;
}

const elements = (block: ActionsBlock) =>
  block.elements as { type: string; action_id: string; value?: string; text?: { text: string } }[];

const period = { from: "2026-11-24", to: "2026-11-24" };

describe("a channel digest's buttons", () => {
  it("come last: Last 7 days, My numbers, Charts, each with the period and version in its value", () => {
    const m = renderOrgReport(sample(), {
      now,
      audience: "channel",
      tables: true,
      hint: "`/claude-usage last 7 days` for the week",
      actions: { kind: "digest", period },
    });
    const block = actionsOf(m);
    expect(block.block_id).toBe(DIGEST_ACTIONS_BLOCK);
    const buttons = elements(block);
    expect(buttons.map((b) => [b.action_id, b.text?.text])).toEqual([
      ["digest_last_7_days", "Last 7 days"],
      ["digest_my_numbers", "Mine"],
      ["digest_charts", "Charts"],
    ]);
    for (const b of buttons) {
      expect(actionValueSchema.parse(JSON.parse(b.value ?? ""))).toEqual({
        v: ACTION_VALUE_VERSION,
        ...period,
      });
    }
    // The button says what the hint said; one Share button is not offered beside them.
    expect(JSON.stringify(m.blocks)).not.toContain("for the week");
    expect(JSON.stringify(m.blocks)).not.toContain("share_report");
    expect(limitViolations(m)).toEqual([]);
  });

  it("a team digest's buttons carry the team; a long name stays within Slack's value limit", () => {
    const long = "Platform & Infra ".repeat(20);
    const m = renderOrgReport(sample(), {
      now,
      team: "Backend",
      actions: { kind: "digest", period, team: "Backend" },
    });
    const value = JSON.parse(elements(actionsOf(m))[0]?.value ?? "");
    expect(value).toEqual({ v: ACTION_VALUE_VERSION, ...period, team: "Backend" });
    const block = messageActionsBlock({ kind: "digest", period, team: long });
    for (const b of elements(block)) {
      expect(b.value?.length).toBeLessThanOrEqual(MAX_ACTION_VALUE);
      expect(actionValueSchema.safeParse(JSON.parse(b.value ?? "")).success).toBe(true);
    }
  });

  it("an empty day keeps only Last 7 days (no numbers of anyone's, no chart)", () => {
    const m = renderOrgReport(report([]), { now, actions: { kind: "digest", period } });
    expect(elements(actionsOf(m)).map((b) => b.action_id)).toEqual(["digest_last_7_days"]);
  });

  it("survive the 50-block limit: the body is shortened, never the buttons", () => {
    const body: KnownBlock[] = Array.from({ length: 60 }, (_, i) => ({
      type: "section",
      text: { type: "mrkdwn", text: `line ${i}` },
    }));
    const buttons = messageActionsBlock({ kind: "digest", period });
    const blocks = withActions(body, buttons);
    expect(blocks).toHaveLength(MAX_BLOCKS);
    expect(blocks.at(-1)).toBe(buttons);
    expect(JSON.stringify(blocks.at(-2))).toContain("shortened to fit");
    // Short enough already: added as they are.
    expect(withActions(body.slice(0, 49), buttons)).toHaveLength(50);
  });

  it("carry no mention: a channel digest pings no one", () => {
    const m = renderOrgReport(sample(), {
      now,
      audience: "channel",
      actions: { kind: "digest", period },
    });
    expect(JSON.stringify(m)).not.toMatch(/<[@!]/);
  });
});

describe("a DM's buttons", () => {
  it("are My last 7 days and an overflow with Stop these DMs and Change the time", () => {
    const m = renderPersonalReport(sample(), "user:maria@example.com", {
      now,
      greeting: "Good morning!",
      hint: "`/claude-usage dm off` to stop these",
      actions: { kind: "dm", period },
    });
    const block = actionsOf(m);
    expect(block.block_id).toBe(DM_ACTIONS_BLOCK);
    const [button, overflow] = block.elements as [
      { action_id: string; value: string; text: { text: string } },
      { type: string; action_id: string; options: { value: string; text: { text: string } }[] },
    ];
    expect(button.action_id).toBe("dm_last_7_days");
    expect(button.text.text).toBe("My last 7 days");
    expect(actionValueSchema.parse(JSON.parse(button.value))).toEqual({ v: 1, ...period });
    expect(overflow.type).toBe("overflow");
    expect(overflow.action_id).toBe("dm_more");
    expect(overflow.options.map((o) => [o.value, o.text.text])).toEqual([
      ["stop_dms", "Stop these DMs"],
      ["change_time", "Change the time"],
    ]);
    // The overflow says what the hint said.
    expect(JSON.stringify(m.blocks)).not.toContain("dm off");
    expect(limitViolations(m)).toEqual([]);
  });

  it("without actions, the DM is as before (the hint closes it)", () => {
    const m = renderPersonalReport(sample(), "user:maria@example.com", {
      now,
      hint: "`/claude-usage dm off` to stop these",
    });
    expect(m.blocks.map((b) => b.type)).not.toContain("actions");
    expect(JSON.stringify(m.blocks)).toContain("dm off");
  });
});
