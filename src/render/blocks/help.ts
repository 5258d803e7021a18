import type { KnownBlock } from "@slack/web-api";
import { PERIOD_FORMS } from "../../usage/periods.js";
import { clip, escapeMrkdwn, type SlackMessage } from "./limits.js";

/* Help, refusals and errors: short, human, actionable. */

/** What to type, by example: each line a command that works as it stands. */
const EXAMPLES: readonly [args: string, what: string][] = [
  ["", "yesterday, whole org"],
  ["last 7 days", "the past week"],
  ["me", "just you"],
  ["top sessions last week", "who ran the most"],
  ["models 30d", "spend by model"],
  ["teams last 30 days", "teams side by side"],
  ["team backend last 7 days", "one team's report"],
  ["seats", "who has a seat but no usage"],
  ["chart", "30-day charts, by DM"],
  ["export last month", "CSV files, by DM"],
  ["dm on", "your day, each morning by DM"],
  ["subscriptions", "which channels get digests"],
  ["subscribe weekly", "admins: this channel gets the weekly digest"],
];

export function renderHelp(
  options: {
    command?: string;
    problem?: string | undefined;
    /** What was probably meant (after the command): the reply is that question alone. */
    suggestion?: string | undefined;
  } = {},
): SlackMessage {
  const cmd = options.command ?? "/claude-usage";
  if (options.suggestion) return renderSuggestion(cmd, options.suggestion);
  const blocks: KnownBlock[] = [];
  if (options.problem) {
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: clip(`:warning: ${escapeMrkdwn(options.problem)}`, 3000) },
    });
  }
  const examples = EXAMPLES.map(([args, what]) => `\`${[cmd, args].join(" ").trim()}\` — ${what}`);
  blocks.push(
    { type: "section", text: { type: "mrkdwn", text: ["*Try*", ...examples].join("\n") } },
    {
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: `Periods: ${PERIOD_FORMS.map((f) => f.example).join(", ")}. Days are UTC days, as Anthropic reports them; costs are estimates.`,
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

/** A typo's whole answer: the command it probably was, to copy. */
function renderSuggestion(cmd: string, suggestion: string): SlackMessage {
  const text = clip(`Did you mean \`${escapeMrkdwn(`${cmd} ${suggestion}`)}\`?`, 3000);
  return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] };
}

/**
 * A failure in the words of the person who asked: what it means for them and what to do, with a
 * reference id that is also in the logs. `detail` (for admins only) says what is wrong.
 */
export function renderError(failure: {
  summary: string;
  ref: string;
  detail?: string | undefined;
}): SlackMessage {
  const text = `${failure.summary} — ref \`${failure.ref}\``;
  const blocks: KnownBlock[] = [
    {
      type: "section",
      text: { type: "mrkdwn", text: clip(`:warning: ${escapeMrkdwn(text)}`, 3000) },
    },
  ];
  if (failure.detail) {
    blocks.push({
      type: "context",
      elements: [
        { type: "mrkdwn", text: clip(`For admins: ${escapeMrkdwn(failure.detail)}`, 3000) },
      ],
    });
  }
  return { text: clip(text, 3000), blocks };
}

/** Someone asked for an org-wide view they may not see. */
export function renderNotAllowed(command = "/claude-usage"): SlackMessage {
  const text = `Org-wide usage and costs are limited to a few people here. You can always see your own numbers with \`${command} me\`.`;
  return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text: `:lock: ${text}` } }] };
}

/**
 * The DM to admins when a failure needs one of them: what is wrong (scrubbed), the ref the person
 * was shown, who it happened to, and that more of the same kind this hour go to the logs only.
 */
export function renderAdminAlert(failure: {
  ref: string;
  detail: string;
  /** What the person was doing, in words ("`/claude-usage last 7 days` by <@U1>"). */
  during?: string | undefined;
  /** How long further failures of this kind are not DMed, in words ("the next hour"). */
  quietFor: string;
}): SlackMessage {
  // The lock screen gets what broke in one clause; the message has the whole detail.
  const first = failure.detail.split(/(?<=\.)\s/)[0] ?? failure.detail;
  const detail = failure.detail.charAt(0).toUpperCase() + failure.detail.slice(1);
  const context = [
    `ref \`${failure.ref}\``,
    ...(failure.during ? [failure.during] : []),
    `more of the same in ${failure.quietFor} go to the logs only; \`claude-usage doctor\` lists recent failures`,
  ];
  return {
    text: clip(
      `Claude Code usage needs an admin: ${first.replace(/\.$/, "")} — ref ${failure.ref}`,
      3000,
    ),
    blocks: [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: clip(
            `:rotating_light: *Claude Code usage needs an admin*\n${escapeMrkdwn(detail)}`,
            3000,
          ),
        },
      },
      { type: "context", elements: [{ type: "mrkdwn", text: clip(context.join(" · "), 3000) }] },
    ],
  };
}
