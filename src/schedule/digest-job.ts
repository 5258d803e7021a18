import { hostname } from "node:os";
import type { WebClient } from "@slack/web-api";
import pLimit from "p-limit";
import type { UsageLoader } from "../loading/usage-loader.js";
import { type Logger, newReferenceId } from "../log.js";
import {
  type NameOf,
  type PersonalRenderOptions,
  type ReportRenderOptions,
  renderOrgReport,
  renderPersonalReport,
  type SeatCounts,
  type SlackMessage,
} from "../render/blocks/index.js";
import { inlineChartAltText, type RenderedChart, renderCharts } from "../render/charts/index.js";
import { budgetStandings } from "../reports/budgets.js";
import { monthSoFar, monthsToDate } from "../reports/month-to-date.js";
import { usualDaysBefore } from "../reports/usual-days.js";
import { classifySlackFailure } from "../slack/errors.js";
import { chartFile, chartFiles, uploadUnsharedImage } from "../slack/files.js";
import { namesFor, peopleShown } from "../slack/mentions.js";
import type { SlackPerson } from "../slack/user-directory.js";
import { type DeliveryKey, type DeliveryLedger, deliveryKey } from "../store/ledger.js";
import type { Preferences } from "../store/store.js";
import type { Cadence } from "../store/subscriptions.js";
import type { PersonalBudgets } from "../usage/alerts.js";
import type { Cents } from "../usage/money.js";
import type { Period } from "../usage/periods.js";
import type { UsageReport } from "../usage/report.js";
import type { UsualDay } from "../usage/usual-day.js";
import {
  createDeliverer,
  createFilesDeliverer,
  DEFAULT_LEASE_MS,
  DEFAULT_MAX_ATTEMPTS,
  type DelivererOptions,
  type DeliveryCounts,
  emptyCounts,
} from "./deliver.js";
import { type DigestPlanOptions, dailyPeriod, dmPeriodId, plannedDigests } from "./due.js";

export { DELIVERY_EVENT_TYPE } from "./deliver.js";

/*
 * The morning job: channel digests and personal DMs, each delivered exactly once.
 *
 * Every message goes through the ledger: claim, post (carrying its key in Slack message
 * metadata), mark delivered. A run that finds a lapsed claim — its holder died between posting and
 * marking — first looks for the key in the conversation's recent history, so a crash never makes
 * a second copy; a claim that failed is retried by the next run.
 */

export type DmMode = "off" | "opt-in" | "all";

export interface DigestConfig extends DigestPlanOptions {
  channels: readonly string[];
  dmMode: DmMode;
  timeZone: string;
  /** DMs in flight at once (Slack allows ~1 message per second per channel, more across). */
  dmConcurrency?: number;
  /** A claim's lease: longer than any single post can take. */
  leaseMs?: number;
  /** Attempts per message before the ledger gives up on it. */
  maxAttempts?: number;
  /** The org's monthly budget: the daily digest's month-to-date line shows the share. */
  budgetMonthlyCents?: Cents | undefined;
  /** People's own monthly budgets: their DM shows where they stand. */
  personalBudgets?: PersonalBudgets | undefined;
}

export interface DigestRenderers {
  orgReport(report: UsageReport, options: ReportRenderOptions): SlackMessage;
  personal(report: UsageReport, actorKey: string, options: PersonalRenderOptions): SlackMessage;
  /** PNG charts for weekly and monthly digests, posted in the digest's thread. */
  charts?(report: UsageReport, names?: NameOf): Promise<RenderedChart[]>;
}

export interface DigestDeps {
  loader: UsageLoader;
  ledger: DeliveryLedger;
  preferences?: Preferences | undefined;
  /** Absent in a dry run. */
  slack?: WebClient | undefined;
  /** Email → Slack user id (cached), or null when the person is not in Slack (or Slack failed). */
  lookupUser(email: string): Promise<string | null>;
  /** Email → Slack user and name (cached), for naming people; defaults to `lookupUser` (no names). */
  lookupPerson?(email: string): Promise<SlackPerson | null>;
  /**
   * For DMs: email → Slack user id, null only when Slack says the person is not in Slack; throws
   * when Slack could not be asked, so that the DM is recorded as failed and retried. Defaults to
   * `lookupUser`.
   */
  findUser?(email: string): Promise<string | null>;
  /**
   * Like `findUser`, with the person's Slack time zone: whose DM is due depends on it. Defaults
   * to `findUser` (no zone).
   */
  findPerson?(email: string): Promise<SlackPerson | null>;
  logger: Logger;
  config: DigestConfig;
  render?: DigestRenderers;
  /**
   * The org's seats over a period, for the monthly digest's line; undefined when the roster
   * cannot be read (the line is then left out).
   */
  seats?: ((period: Period) => Promise<SeatCounts | undefined>) | undefined;
  /** Identifies this process in the ledger. */
  owner?: string;
  now?: () => Date;
}

export interface DigestSummary extends DeliveryCounts {
  date: string;
  notInSlack: number;
  optedOut: number;
  /** DMs not sent because Slack could not say who the person is (also counted in `failed`). */
  lookupFailed: number;
}

const defaultRenderers: DigestRenderers = {
  orgReport: renderOrgReport,
  personal: renderPersonalReport,
  charts: (report, names) => renderCharts(report, "all", { names }),
};

/** Charts, or none when they cannot be drawn here (the report still goes out). */
async function chartsFor(
  report: UsageReport,
  names: NameOf,
  render: DigestRenderers,
  log: Logger,
): Promise<RenderedChart[]> {
  if (!render.charts) return [];
  try {
    return await render.charts(report, names);
  } catch (error) {
    log.warn({ err: error }, "could not draw the charts; the digest goes out without them");
    return [];
  }
}

/** Under a digest's chart: where the other one is. */
export const INLINE_CHART_NOTE = "The top spenders chart is in the thread.";

interface InlineUpload {
  chart: RenderedChart;
  upload: Promise<string> | undefined;
  withImage(fileId: string): SlackMessage;
}

/** What the thread's charts show, in words. */
function threadComment(charts: readonly RenderedChart[]): string {
  const what = charts.map((c) =>
    c.kind === "daily" ? "daily spend and active people" : "the top spenders",
  );
  return `Charts of this period: ${what.join(", and ")}.`;
}

/** People by Slack id only (no names): what a job without a name look-up can say. */
export function idOnlyLookup(
  lookupUser: (email: string) => Promise<string | null>,
): (email: string) => Promise<SlackPerson | null> {
  return async (email) => {
    const userId = await lookupUser(email);
    return userId ? { userId } : null;
  };
}

export function defaultOwner(): string {
  return `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
}

/** One channel's digest of a kind and period. */
export interface ChannelDigest {
  channel: string;
  kind: Cadence;
  period: Period;
}

/** DMs about one period, to the people `due` picks (everyone active without it). */
export interface DmBatch {
  period: Period;
  due?: ((person: SlackPerson) => boolean) | undefined;
}

export interface DigestRun {
  /** The local date the run is for (recorded with each claim). */
  date: string;
  dryRun?: boolean;
  /** The channel digests; without it, every DIGEST_CHANNELS channel gets the date's plan. */
  digests?: readonly ChannelDigest[] | undefined;
  /** The DMs; null for none; without it, every active person's about the date's daily period. */
  dms?: DmBatch | null | undefined;
  /** Deliveries (by ledger key) to leave alone: settled, or waiting for their retry. */
  skip?: ((key: string) => boolean) | undefined;
  onSettled?: DelivererOptions["onSettled"];
}

export async function runDigest(options: DigestRun, deps: DigestDeps): Promise<DigestSummary> {
  const { config, logger } = deps;
  const render = deps.render ?? defaultRenderers;
  const owner = deps.owner ?? defaultOwner();
  const now = deps.now ?? (() => new Date());
  const dryRun = options.dryRun ?? false;
  if (!dryRun && !deps.slack)
    throw new Error("runDigest needs a Slack client unless it is a dry run");
  const summary: DigestSummary = {
    date: options.date,
    ...emptyCounts(),
    notInSlack: 0,
    optedOut: 0,
    lookupFailed: 0,
  };
  const log = logger.child({ job: "digest", ref: newReferenceId(), date: options.date, dryRun });
  const lookupPerson = deps.lookupPerson ?? idOnlyLookup(deps.lookupUser);

  const delivery = runDelivery(deps, config, options, { owner, dryRun, log, counts: summary });
  const skip = options.skip ?? (() => false);
  const deliver = createDeliverer(delivery);
  const deliverFiles = createFilesDeliverer(delivery);

  /** The seats line's numbers, or none: the roster never holds up a digest. */
  async function seatsOf(period: Period): Promise<SeatCounts | undefined> {
    try {
      return await deps.seats?.(period);
    } catch (error) {
      log.warn({ err: error }, "could not count the seats; the digest goes out without them");
      return undefined;
    }
  }

  // Channel digests: each (kind, period) rendered once, for every channel that gets it.
  const selected: readonly ChannelDigest[] =
    options.digests ??
    plannedDigests(options.date, config).flatMap((plan) =>
      config.channels.map((channel) => ({ channel, ...plan })),
    );
  const keyOf = (kind: string, channel: string, period: Period) => ({
    kind: `digest-${kind}`,
    target: channel,
    period: `${period.from}..${period.to}`,
  });
  const wanted = selected.filter((d) => !skip(deliveryKey(keyOf(d.kind, d.channel, d.period))));
  const plans = [
    ...new Map(wanted.map((d) => [`${d.kind} ${d.period.from}..${d.period.to}`, d])).values(),
  ].map(({ kind, period }) => ({ kind, period }));
  const channels = [...new Set(wanted.map((d) => d.channel))];
  const wants = new Set(
    wanted.map((d) => `${d.channel} ${d.kind} ${d.period.from}..${d.period.to}`),
  );
  // The month so far serves the daily digest's line and the DMs' budget lines: loaded once.
  const monthThrough = monthsToDate(deps.loader);
  // Every report first; then the posts, each channel in its own lane so that one slow or failing
  // channel holds up neither the others nor the DMs.
  const digests: {
    plan: (typeof plans)[number];
    message: SlackMessage;
    /** The chart shown in the digest itself (weekly, monthly), its upload made when it posts. */
    inline?: InlineUpload | undefined;
    charts: RenderedChart[];
  }[] = [];
  for (const plan of plans) {
    const report = await deps.loader.loadReport(plan.period);
    // A channel post: people by name, never a mention (a digest must not ping anyone).
    const names = await namesFor(peopleShown(report, 10), lookupPerson, "channel");
    const renderOptions: ReportRenderOptions = {
      now: now(),
      timeZone: config.timeZone,
      top: 5,
      names,
      // A channel message: Slack renders the top spenders as a table there.
      tables: true,
      audience: "channel",
      hint: plan.kind === "daily" ? "`/claude-usage last 7 days` for the week" : undefined,
      monthToDate:
        plan.kind === "daily"
          ? monthSoFar(
              await monthThrough(plan.period.to),
              plan.period.to,
              config.budgetMonthlyCents,
            )
          : undefined,
      seats: plan.kind === "monthly" ? await seatsOf(plan.period) : undefined,
      actions: { kind: "digest", period: plan.period },
    };
    const message = render.orgReport(report, renderOptions);
    // Weekly and monthly digests get charts; a day is one bar.
    const charts = plan.kind === "daily" ? [] : await chartsFor(report, names, render, log);
    const daily = charts.find((c) => c.kind === "daily");
    const rest = charts.filter((c) => c !== daily);
    const inline = daily && {
      chart: daily,
      // One upload serves every channel's digest; made only when one of them is about to post.
      upload: undefined,
      withImage: (fileId: string) =>
        render.orgReport(report, {
          ...renderOptions,
          inlineChart: {
            fileId,
            altText: inlineChartAltText(report, { names }),
            note: rest.length > 0 ? INLINE_CHART_NOTE : undefined,
          },
        }),
    };
    digests.push({ plan, message, inline, charts });
  }
  // A channel's digests go in order (daily, then weekly, then monthly).
  const channelLane = async (channel: string) => {
    for (const { plan, message, inline, charts } of digests) {
      const period = `${plan.period.from}..${plan.period.to}`;
      if (!wants.has(`${channel} ${plan.kind} ${period}`)) continue;
      const key = keyOf(plan.kind, channel, plan.period);
      // Whether this run posted the digest with its chart; unknown when posted by an earlier run.
      let inlined: boolean | undefined;
      await deliver(
        key,
        channel,
        message,
        undefined,
        undefined,
        inline && {
          enrich: async (slack) => {
            inline.upload ??= uploadUnsharedImage(slack, chartFile(inline.chart));
            return inline.withImage(await inline.upload);
          },
          posted: (enriched) => {
            inlined = enriched;
          },
        },
      );
      // The thread has the charts the digest does not show: all of them when it went out plain.
      const inThread =
        inline && inlined !== false ? charts.filter((c) => c !== inline.chart) : charts;
      if (inThread.length === 0) continue;
      const digest = dryRun ? undefined : await deps.ledger.get(key);
      // Not posted (yet): the charts wait for the run that posts it, so they land in its thread.
      if (!dryRun && (digest?.status !== "delivered" || !digest.ts)) continue;
      await deliverFiles({ kind: `charts-${plan.kind}`, target: channel, period }, channel, {
        files: chartFiles(inThread),
        comment: threadComment(inThread),
        threadTs: digest?.ts ?? undefined,
      });
    }
  };
  const lanes: Promise<void>[] = channels.map((channel) => channelLane(channel));

  // Personal DMs, about yesterday (Friday to Sunday on Mondays), each at its person's time.
  // Without a batch from the schedule, the date's own: what a working day's DM covers.
  const ownPeriod = options.dms === undefined ? dailyPeriod(options.date) : null;
  const dms = options.dms === undefined ? ownPeriod && { period: ownPeriod } : options.dms;
  if (config.dmMode !== "off" && dms) lanes.push(sendDms(dms));
  async function sendDms(batch: DmBatch): Promise<void> {
    const { period } = batch;
    const periodId = dmPeriodId(period);
    const report = await deps.loader.loadReport(period);
    const prefs = (await deps.preferences?.allDmPreferences()) ?? new Map();
    const findPerson =
      deps.findPerson ??
      (async (email: string) => {
        const userId = await (deps.findUser ?? deps.lookupUser)(email);
        return userId ? { userId } : null;
      });
    const limit = pLimit(config.dmConcurrency ?? 4);
    const people = report.actors.filter(
      (a) => a.type === "user" && (a.sessions > 0 || a.costCents > 0),
    );
    // First who gets one now; the heavier loads only when someone does (a tick often has none).
    const recipients: {
      at: number;
      person: (typeof people)[number];
      userId: string;
      key: DeliveryKey;
    }[] = [];
    await settleAll(
      people.map((person, at) =>
        limit(async () => {
          // A DM is keyed by the person, so that one whose lookup failed is the same delivery
          // when a later run finds them.
          const key = { kind: "dm", target: person.name.toLowerCase(), period: periodId };
          if (skip(deliveryKey(key))) return;
          let found: SlackPerson | null;
          try {
            found = await findPerson(person.name);
          } catch (error) {
            if (!batch.due) await recordLookupFailure(key, error);
            else {
              // On the tick: looked up again after the retry delay, not every minute.
              summary.lookupFailed++;
              options.onSettled?.(deliveryKey(key), "failed");
              log.warn({ err: error }, "could not look a person up; their DM waits");
            }
            return;
          }
          if (!found) {
            summary.notInSlack++;
            return;
          }
          if (batch.due && !batch.due(found)) return;
          const preference = prefs.get(found.userId);
          if (preference === "off" || (config.dmMode === "opt-in" && preference !== "on")) {
            summary.optedOut++;
            return;
          }
          recipients.push({ at, person, userId: found.userId, key });
        }),
      ),
    );
    if (recipients.length === 0) return;
    // In the report's order (the biggest spender first), however the look-ups came back.
    recipients.sort((a, b) => a.at - b.at);
    const budgetOf = await budgetStandings(deps.loader, period.to, config.personalBudgets, {
      month: () => monthThrough(period.to),
    });
    // Each person's usual day, from one load of the four weeks before (mostly cached by now).
    const usual = await usualDaysBefore(deps.loader, period.from).catch((error: unknown) => {
      log.warn({ err: error }, "could not load the weeks before; DMs go out without the usual day");
      return new Map<string, UsualDay>();
    });
    await settleAll(
      recipients.map(({ person, userId, key }) =>
        limit(async () => {
          const message = render.personal(report, person.key, {
            now: now(),
            greeting: "Good morning!",
            hint: "`/claude-usage dm off` to stop these",
            budget: budgetOf(person),
            usual: usual.get(person.key) ?? null,
            actions: { kind: "dm", period: report.period },
          });
          // What an earlier release called the same DM: before 0.2 a DM was keyed by the Slack
          // user id; before DMs covered Friday to Sunday, Monday's was about Sunday alone.
          const legacy =
            period.from === period.to
              ? { kind: "dm", target: userId, period: periodId }
              : { kind: "dm", target: key.target, period: period.to };
          await deliver(key, userId, message, legacy);
        }),
      ),
    );
  }

  /** Slack could not say who the person is: the DM is recorded as failed, for a later run. */
  async function recordLookupFailure(key: DeliveryKey, error: unknown): Promise<void> {
    const reason = `users.lookupByEmail: ${classifySlackFailure(error).reason}`;
    summary.lookupFailed++;
    log.warn(
      { key: deliveryKey(key), reason },
      "could not look the person up; DM left for a later run",
    );
    if (dryRun) return;
    const claim = await deps.ledger.claim(key, {
      owner,
      leaseMs: config.leaseMs ?? DEFAULT_LEASE_MS,
      maxAttempts: config.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      runDate: options.date,
    });
    if (claim.status === "claimed") {
      await deps.ledger.markFailed(key, owner, reason);
      summary.failed++;
    } else if (claim.status === "delivered") summary.alreadyDelivered++;
    else if (claim.status === "busy") summary.busy++;
    else summary.gaveUp++;
  }

  await settleAll(lanes);

  // A tick that found nothing to do says so only at debug: ticks come every minute.
  const quiet = summary.planned.length + deliveries(summary) === 0;
  log[quiet ? "debug" : "info"](
    { ...summary, planned: summary.planned.length },
    "digest run finished",
  );
  return summary;
}

/** How many deliveries a run made, found made, or left: none means it had nothing to do. */
/**
 * The deliverer's options for one run of a digest job (this one, or the team digests'): the run's
 * date in the ledger, its owner and lease, and no Slack client in a dry run.
 */
export function runDelivery(
  deps: Pick<DigestDeps, "ledger" | "slack">,
  config: Pick<DigestDeps["config"], "leaseMs" | "maxAttempts">,
  options: Pick<DigestRun, "date" | "onSettled">,
  run: { owner: string; dryRun: boolean; log: Logger; counts: DeliveryCounts },
): DelivererOptions {
  return {
    ledger: deps.ledger,
    runDate: options.date,
    slack: run.dryRun ? undefined : deps.slack,
    leaseMs: config.leaseMs,
    maxAttempts: config.maxAttempts,
    onSettled: options.onSettled,
    ...run,
  };
}

export function deliveries(counts: DeliveryCounts): number {
  return (
    counts.posted +
    counts.alreadyDelivered +
    counts.recovered +
    counts.busy +
    counts.failed +
    counts.gaveUp
  );
}

/**
 * Wait for every task, then fail with the first failure, if any: one delivery's error (the store
 * went away, say) must not leave the others running unwatched.
 */
async function settleAll(tasks: readonly Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(tasks);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failure) throw failure.reason;
}
