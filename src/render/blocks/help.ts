import type { KnownBlock } from "@slack/web-api";
import { PERIOD_FORMS } from "../../usage/periods.js";
import { clip, escapeMrkdwn, type SlackMessage } from "./limits.js";

/* Help, refusals and errors: short, human, actionable. */

export function renderHelp(
  options: { command?: string; problem?: string | undefined } = {},
): SlackMessage {
  const cmd = options.command ?? "/claude-usage";
  const blocks: KnownBlock[] = [];
  if (options.problem) {
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: clip(`:warning: ${escapeMrkdwn(options.problem)}`, 3000) },
    });
  }
  blocks.push(
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: [
          `*How to use \`${cmd}\`*`,
          `\`${cmd}\` — yesterday's org report`,
          `\`${cmd} last 7 days\` — the org report for a period`,
          `\`${cmd} me [period]\` — your own numbers`,
          `\`${cmd} top cost|sessions|lines|commits|prs [period]\` — a longer leaderboard`,
          `\`${cmd} models [period]\` — cost and tokens by model`,
          `\`${cmd} chart [period]\` — charts of daily spend, active people and the top spenders, by DM`,
          `\`${cmd} export [period]\` — CSV files (per person and day, and a summary), by DM`,
          `\`${cmd} dm on|off\` — your daily summary by DM`,
          `\`${cmd} help\` — this message`,
        ].join("\n"),
      },
    },
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: ["*Periods*", ...PERIOD_FORMS.map((f) => `• ${f.form}: \`${f.example}\``)].join("\n"),
      },
    },
    {
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: "Days are UTC days, as Anthropic reports them. Costs are estimates.",
        },
      ],
    },
  );
  // The problem may quote what was typed (`<!channel>`): Slack reads the top-level text as mrkdwn too.
  const text = options.problem
    ? `${escapeMrkdwn(options.problem)} Try \`${cmd} help\`.`
    : `How to use ${cmd}`;
  return { text: clip(text, 3000), blocks };
}

/** A failure people can act on, with a reference id that is also in the logs. */
export function renderError(message: string, referenceId: string): SlackMessage {
  const text = `I couldn't read usage: ${message} — ref \`${referenceId}\``;
  return {
    text: clip(text, 3000),
    blocks: [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: clip(`:warning: ${escapeMrkdwn(text).replace(/&lt;|&gt;/g, "")}`, 3000),
        },
      },
    ],
  };
}

/** Someone asked for an org-wide view they may not see. */
export function renderNotAllowed(command = "/claude-usage"): SlackMessage {
  const text = `Org-wide usage and costs are limited to a few people here. You can always see your own numbers with \`${command} me\`.`;
  return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text: `:lock: ${text}` } }] };
}
