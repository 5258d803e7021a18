import type { WebClient } from "@slack/web-api";
import { type Logger, newReferenceId } from "../log.js";
import { renderBudgetAlert, renderSpikeAlert } from "../render/blocks/alerts.js";
import { escapeMrkdwn } from "../render/blocks/limits.js";
import type { UsageLoader } from "../service/usage-loader.js";
import { mentionsFor } from "../slack/mentions.js";
import type { DeliveryLedger } from "../store/ledger.js";
import { microsToCents } from "../usage/aggregate.js";
import { budgetStatus, type Spike, type SpikeRule, spikeOf } from "../usage/alerts.js";
import { monthToDate, shiftDay } from "../usage/periods.js";
import { createDeliverer, type DeliveryCounts, emptyCounts } from "./deliver.js";
import { defaultOwner } from "./digest-job.js";

/*
 * Budget and spike alerts to ALERT_CHANNEL, each at most once (through the ledger): month-to-date
 * spend crossing 50/80/100 % of BUDGET_MONTHLY_USD, and yesterday's spend of a person (or the org)
 * far above its trailing median.
 */

export interface AlertsConfig {
  channel: string;
  /** A claim's lease (DELIVERY_LEASE_SECONDS), as for digests. */
  leaseMs?: number | undefined;
  /** Monthly budget in cents; no budget alerts without one. */
  budgetMonthlyCents?: number | undefined;
  spike: SpikeRule & { trailingDays: number };
}

export interface AlertsDeps {
  loader: UsageLoader;
  ledger: DeliveryLedger;
  slack?: WebClient | undefined;
  lookupUser(email: string): Promise<string | null>;
  logger: Logger;
  config: AlertsConfig;
  owner?: string;
  now?: () => Date;
}

export async function runAlerts(
  options: { date: string; dryRun?: boolean },
  deps: AlertsDeps,
): Promise<DeliveryCounts> {
  const { config } = deps;
  const now = deps.now ?? (() => new Date());
  const counts = emptyCounts();
  const log = deps.logger.child({ job: "alerts", ref: newReferenceId(), date: options.date });
  const owner = deps.owner ?? defaultOwner();
  const deliver = createDeliverer({
    ledger: deps.ledger,
    slack: options.dryRun ? undefined : deps.slack,
    owner,
    leaseMs: config.leaseMs,
    dryRun: options.dryRun ?? false,
    log,
    counts,
  });
  const yesterday = shiftDay(options.date, -1);

  /** A lower threshold reached together with a higher one: recorded as covered, never posted. */
  async function supersede(key: { kind: string; target: string; period: string }, by: number) {
    const claim = await deps.ledger.claim(key, { owner, leaseMs: 60_000, maxAttempts: 1 });
    if (claim.status === "claimed") {
      await deps.ledger.markDelivered(key, owner, {
        channel: config.channel,
        ts: `superseded-by-${by}`,
      });
    }
  }

  if (config.budgetMonthlyCents && config.budgetMonthlyCents > 0) {
    const report = await deps.loader.loadReport(monthToDate(yesterday), { compare: false });
    const status = budgetStatus(report.totals.costCents, config.budgetMonthlyCents, yesterday);
    // One message for the highest threshold reached; lower ones crossed at the same time are
    // claimed with it, so that they are not announced afterwards.
    const highest = status.crossed.at(-1);
    if (highest !== undefined) {
      const message = renderBudgetAlert(status, highest, now());
      for (const threshold of [...status.crossed].reverse()) {
        const key = {
          kind: "alert-budget",
          target: config.channel,
          period: `${status.month}:${threshold}`,
        };
        if (threshold === highest) await deliver(key, config.channel, message);
        else if (!options.dryRun) await supersede(key, highest);
      }
    }
  }

  // Spikes: yesterday against the trailing days before it, per person and for the org.
  const days = Array.from({ length: config.spike.trailingDays + 1 }, (_, i) =>
    shiftDay(yesterday, -i),
  );
  const perDay = await Promise.all(days.map((day) => deps.loader.loadDays([day])));
  const [target, ...trailing] = perDay;
  if (target) {
    const spikes: Spike[] = [];
    const org = spikeOf(
      "org",
      "the org",
      microsToCents(target.totals.costMicros),
      trailing.map((d) => microsToCents(d.totals.costMicros)),
      config.spike,
    );
    if (org) spikes.push(org);
    for (const actor of target.actors.values()) {
      const history = trailing.map((d) => microsToCents(d.actors.get(actor.key)?.costMicros ?? 0));
      const spike = spikeOf(
        actor.key,
        actor.name,
        microsToCents(actor.costMicros),
        history,
        config.spike,
      );
      if (spike) spikes.push(spike);
    }
    const spiking = [...target.actors.values()].filter((a) => spikes.some((s) => s.key === a.key));
    const mention = await mentionsFor(spiking, deps.lookupUser);
    for (const spike of spikes) {
      const actor = target.actors.get(spike.key);
      const who =
        spike.key === "org"
          ? "the whole org"
          : actor?.type === "api_key"
            ? `API key \`${escapeMrkdwn(spike.name)}\``
            : (mention({ key: spike.key }) ?? escapeMrkdwn(spike.name));
      await deliver(
        { kind: "alert-spike", target: config.channel, period: `${yesterday}:${spike.key}` },
        config.channel,
        renderSpikeAlert(spike, yesterday, who, config.spike.trailingDays, now()),
      );
    }
  }
  log.info({ ...counts, planned: counts.planned.length }, "alerts run finished");
  return counts;
}
