import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ConfigError, loadConfig } from "../../app/config.js";
import { jobSlack, morningDeps } from "../../app/jobs.js";
import { openRuntime } from "../../app/runtime.js";
import { configuredSubscriptions } from "../../app/subscriptions.js";
import { localDate } from "../../schedule/cron.js";
import {
  type DeliveryCounts,
  type PlannedMessage,
  postMessageBody,
} from "../../schedule/deliver.js";
import type { DigestSummary } from "../../schedule/digest-job.js";
import { runMorning } from "../../schedule/morning.js";
import type { UserDirectory } from "../../slack/user-directory.js";
import { defineCommand } from "../command.js";
import { UsageError } from "../errors.js";
import { deliveryExitCode } from "../exit-codes.js";
import { clockOf } from "../io.js";
import { SHARED_OPTIONS } from "../options.js";
import { cliLogger } from "../runtime.js";

export const digestCommand = defineCommand({
  name: "digest run",
  takesPeriod: false,
  about:
    "every delivery of a date now, whatever its time — each subscription's channel digest, every DM and (with ALERT_CHANNEL) budget and spike alerts, through the delivery ledger, so nothing already delivered is posted again. Exits 3, 4 or 5 when deliveries are left (README, Exit codes).",
  options: {
    date: {
      type: "string",
      value: "YYYY-MM-DD",
      defaultText: "today",
      help: "the run's date in DIGEST_TIMEZONE",
    },
    "dry-run": { type: "boolean", help: "print what would be posted, and post nothing" },
    preview: {
      type: "string",
      value: "DIR",
      help: "with --dry-run: write each message that would be posted (channel digests, DMs, alerts) to DIR as a chat.postMessage body, one JSON file per message named by its delivery key",
    },
    format: {
      type: "string",
      short: "f",
      value: "F",
      choices: ["text", "blocks"],
      default: "text",
      help: "text, what would be or was posted, in short; blocks (with --dry-run), every message that would be posted as a JSON array of chat.postMessage bodies",
    },
    demo: SHARED_OPTIONS.demo,
  },
  settings: [
    "ANTHROPIC_ADMIN_KEY (required without --demo)",
    "SLACK_BOT_TOKEN (required without --dry-run)",
    "DIGEST_CHANNELS",
    "DM_SUMMARIES",
    "DIGEST_TIMEZONE",
    "ALERT_CHANNEL",
    "BUDGET_MONTHLY_USD",
    "TEAM_DIGESTS",
    "TEAM_BUDGETS",
    "DATA_DIR",
    "DATABASE_URL",
  ],
  async run({ values }, io) {
    if (values.date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.date)) {
      throw new UsageError(`--date must be YYYY-MM-DD, not "${values.date}"`);
    }
    const dryRun = values["dry-run"];
    if (!dryRun && (values.preview !== undefined || values.format === "blocks")) {
      throw new UsageError(
        "--preview and --format blocks show what a run would post: add --dry-run",
      );
    }
    const blocks = values.format === "blocks";
    const config = loadConfig(io.env);
    const now = clockOf(io);
    const token = config.SLACK_BOT_TOKEN;
    if (!dryRun && !token) {
      throw new ConfigError([
        "SLACK_BOT_TOKEN: is not set; it is needed to post (or use --dry-run).",
      ]);
    }
    const logger = cliLogger(io);
    const runtime = await openRuntime(config, {
      logger,
      demo: values.demo,
      store: true,
      now,
      seedSubscriptions: !dryRun && !values.demo,
    });
    try {
      const { store, loader } = runtime;
      const clients = token
        ? jobSlack(config, token, {
            store,
            onCacheError: (operation, err) =>
              logger.warn({ operation, err }, "Slack user cache failed; going on without it"),
          })
        : undefined;
      // A dry run without Slack still shows the DMs, addressed to people's emails.
      const directory = clients?.directory ?? (dryRun ? EVERYONE_BY_EMAIL : undefined);
      const slack = dryRun ? undefined : clients?.slack;
      const date = values.date ?? localDate(now(), config.DIGEST_TIMEZONE);
      // The store's subscriptions (seeded from DIGEST_CHANNELS); in a demo, and in a dry run
      // before any are stored, the configured ones (what the first real run seeds).
      const stored = values.demo ? [] : await store.subscriptions.list();
      const subscriptions =
        stored.length > 0 || !(values.demo || dryRun)
          ? stored
          : configuredSubscriptions(config).map((s, i) => ({
              ...s,
              id: `config-${i}`,
              createdAt: 0,
            }));
      const noChannels = subscriptions.length === 0;
      const { digest, teamDigests, alerts } = await runMorning(
        {
          date,
          subscriptions,
          dryRun,
          // Printed before the alerts run: an alerts failure must not hide what was posted.
          onDigest: (summary) => {
            if (!blocks) io.stdout(describeDigest(summary, dryRun, noChannels, !clients));
          },
        },
        morningDeps({
          config,
          store,
          loader,
          logger,
          slack,
          directory,
          now,
          teams: runtime.teams,
          roster: runtime.roster,
        }),
      );
      const unknownTeams = teamDigests?.unknownTeams ?? [];
      if (unknownTeams.length > 0) {
        io.stderr(
          `TEAM_DIGESTS names ${unknownTeams.length === 1 ? "a team" : "teams"} not in the roster (TEAMS_FILE, TEAMS_FROM_USERGROUPS): ${unknownTeams.join(", ")} — counted as failed\n`,
        );
      }
      const planned = [...digest.planned, ...(alerts?.planned ?? [])];
      if (blocks) io.stdout(`${JSON.stringify(planned.flatMap(postBody), null, 2)}\n`);
      else if (alerts && config.ALERT_CHANNEL)
        io.stdout(describeAlerts(alerts, config.ALERT_CHANNEL));
      if (values.preview !== undefined) {
        const written = await writePreview(values.preview, planned);
        (blocks ? io.stderr : io.stdout)(
          `Wrote ${written} message${written === 1 ? "" : "s"} to ${resolve(values.preview)}\n`,
        );
      }
      return deliveryExitCode(alerts ? [digest, alerts] : [digest]);
    } finally {
      await runtime.close();
    }
  },
});

function describeDigest(
  summary: DigestSummary,
  dryRun: boolean,
  noChannels: boolean,
  noSlack: boolean,
): string {
  const lines = [`Digest for ${summary.date}${dryRun ? " (dry run: nothing posted)" : ""}`];
  if (dryRun) {
    for (const message of summary.planned)
      lines.push(`  would post to ${message.channel}: ${message.text}`);
    if (summary.planned.length === 0) lines.push("  nothing to post");
  }
  lines.push(
    `  posted ${summary.posted} · already delivered ${summary.alreadyDelivered} · recovered ${summary.recovered} · busy elsewhere ${summary.busy} · failed ${summary.failed} · given up ${summary.gaveUp}`,
    `  people not in Slack ${summary.notInSlack} · opted out ${summary.optedOut} · Slack look-up failed ${summary.lookupFailed} (counted as failed)`,
  );
  if (noChannels)
    lines.push(
      "  (no digest subscriptions: /claude-usage subscribe in Slack, or DIGEST_CHANNELS on the first start)",
    );
  if (noSlack && dryRun)
    lines.push(
      "  (no SLACK_BOT_TOKEN: DMs are shown addressed to emails, as if everyone were in Slack)",
    );
  else if (noSlack)
    lines.push("  (no SLACK_BOT_TOKEN: people cannot be found in Slack, so no DMs)");
  return `${lines.join("\n")}\n`;
}

function describeAlerts(alerts: DeliveryCounts, channel: string): string {
  const lines = [`Alerts to ${channel}`];
  for (const message of alerts.planned) lines.push(`  would post: ${message.text}`);
  lines.push(
    `  posted ${alerts.posted} · already delivered ${alerts.alreadyDelivered} · busy elsewhere ${alerts.busy} · failed ${alerts.failed} · given up ${alerts.gaveUp}`,
  );
  return `${lines.join("\n")}\n`;
}

/** A planned message as the chat.postMessage body that would post it; none for file uploads. */
function postBody(planned: PlannedMessage) {
  return planned.message ? [postMessageBody(planned.key, planned.channel, planned.message)] : [];
}

/** For a dry run without Slack: everyone is "in Slack", under their email. */
const EVERYONE_BY_EMAIL: UserDirectory = {
  lookupByEmail: async (email) => ({ userId: email }),
  findByEmail: async (email) => ({ userId: email }),
  emailOf: async () => null,
  nameOf: async () => null,
  timeZoneOf: async () => null,
};

/** One JSON file per message, named by its delivery key (made safe for a file name). */
async function writePreview(dir: string, planned: readonly PlannedMessage[]): Promise<number> {
  await mkdir(dir, { recursive: true });
  let written = 0;
  for (const body of planned.flatMap(postBody)) {
    const name = `${body.metadata.event_payload.key.replace(/[^A-Za-z0-9@._-]+/g, "_")}.json`;
    await writeFile(join(dir, name), `${JSON.stringify(body, null, 2)}\n`);
    written++;
  }
  return written;
}
