import type { ActionsBlock, KnownBlock } from "@slack/web-api";
import { z } from "zod";
import { clip, MAX_BLOCKS } from "./limits.js";

/*
 * The buttons under the bot's own posts: a channel digest's (Last 7 days, My numbers, Charts)
 * and a DM's (My last 7 days, and an overflow with Stop these DMs). Their listeners live in
 * slack/actions/; everything a click needs is in the button's value, so a click works after a
 * restart and on any replica.
 */

export const DIGEST_LAST_7_DAYS = "digest_last_7_days";
export const DIGEST_MY_NUMBERS = "digest_my_numbers";
export const DIGEST_CHARTS = "digest_charts";
export const DM_LAST_7_DAYS = "dm_last_7_days";
/** The DM's overflow menu; its options' values say which was picked. */
export const DM_MORE = "dm_more";
export const DM_STOP = "stop_dms";
export const DM_CHANGE_TIME = "change_time";

/** The block ids, so that a listener (and a test) can find the buttons in a message. */
export const DIGEST_ACTIONS_BLOCK = "digest_actions";
export const DM_ACTIONS_BLOCK = "dm_actions";

/** Slack's limit on a button's value. */
export const MAX_ACTION_VALUE = 2000;

/** The values this release writes; a listener meeting another version says so in words. */
export const ACTION_VALUE_VERSION = 1;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "not a YYYY-MM-DD date");

/**
 * What a digest's or DM's button carries: the version, the message's period (its dates, not
 * "yesterday", which moves), and for a team digest the team's name.
 */
export const actionValueSchema = z.object({
  v: z.number().int(),
  from: day,
  to: day,
  team: z.string().min(1).max(100).optional(),
});
export type ActionValue = z.infer<typeof actionValueSchema>;

/** Which buttons a message carries, and about what. */
export type MessageActions =
  | {
      kind: "digest";
      period: { from: string; to: string };
      /** A team's digest: its buttons answer for that team. */
      team?: string | undefined;
    }
  | { kind: "dm"; period: { from: string; to: string } };

export function actionValue(actions: MessageActions): string {
  const team = actions.kind === "digest" ? actions.team : undefined;
  const value: ActionValue = {
    v: ACTION_VALUE_VERSION,
    from: actions.period.from,
    to: actions.period.to,
    // Team names are short; the cap keeps the value far under Slack's 2,000 characters.
    ...(team ? { team: clip(team, 100) } : {}),
  };
  return JSON.stringify(value);
}

/**
 * The actions block. A digest about nothing (an empty day) keeps only "Last 7 days": there are
 * no numbers of the clicker's, and no chart, to show for it.
 */
export function messageActionsBlock(
  actions: MessageActions,
  options: { empty?: boolean } = {},
): ActionsBlock {
  const value = actionValue(actions);
  const button = (actionId: string, text: string) => ({
    type: "button" as const,
    action_id: actionId,
    text: { type: "plain_text" as const, text },
    value,
  });
  if (actions.kind === "dm") {
    return {
      type: "actions",
      block_id: DM_ACTIONS_BLOCK,
      elements: [
        button(DM_LAST_7_DAYS, "My last 7 days"),
        {
          type: "overflow",
          action_id: DM_MORE,
          options: [
            { text: { type: "plain_text", text: "Stop these DMs" }, value: DM_STOP },
            { text: { type: "plain_text", text: "Change the time" }, value: DM_CHANGE_TIME },
          ],
        },
      ],
    };
  }
  return {
    type: "actions",
    block_id: DIGEST_ACTIONS_BLOCK,
    elements: [
      button(DIGEST_LAST_7_DAYS, "Last 7 days"),
      ...(options.empty
        ? []
        : [button(DIGEST_MY_NUMBERS, "Mine"), button(DIGEST_CHARTS, "Charts")]),
    ],
  };
}

/**
 * The message's blocks with the buttons last. They must survive the 50-block limit: the body is
 * cut first (with the usual note), never the buttons.
 */
export function withActions(blocks: readonly KnownBlock[], actions: ActionsBlock): KnownBlock[] {
  if (blocks.length < MAX_BLOCKS) return [...blocks, actions];
  return [
    ...blocks.slice(0, MAX_BLOCKS - 2),
    {
      type: "context",
      elements: [{ type: "mrkdwn", text: "_(shortened to fit in one message)_" }],
    },
    actions,
  ];
}
