import { createHash } from "node:crypto";
import type { WebClient } from "@slack/web-api";
import type { UsageLoader } from "../loading/usage-loader.js";
import { type Logger, newReferenceId } from "../log.js";
import {
  renderBudgetAlert,
  renderPersonalBudgetAlert,
  renderPersonalBudgetsAlert,
  renderSpikeAlert,
} from "../render/blocks/alerts.js";
import type { SlackMessage } from "../render/blocks/limits.js";
import { actorMrkdwn, actorShortName } from "../render/people.js";
import { findSpikes } from "../reports/spikes.js";
import { namesFor } from "../slack/mentions.js";
import type { SlackPerson } from "../slack/user-directory.js";
import type { DeliveryKey, DeliveryLedger } from "../store/ledger.js";
import {
  budgetStatus,
  hasPersonalBudgets,
  type PersonalBudgetStatus,
  type PersonalBudgets,
  personalBudgetsCrossed,
  type SpikeRule,
} from "../usage/alerts.js";
import { monthToDate, shiftDay } from "../usage/periods.js";
import type { ActorRow } from "../usage/report.js";
import { createDeliverer, type DeliveryCounts, emptyCounts } from "./deliver.js";
import { defaultOwner, idOnlyLookup } from "./digest-job.js";

/*
 * Budget and spike alerts to ALERT_CHANNEL, each at most once (through the ledger): month-to-date
 * spend crossing 50/80/100 % of BUDGET_MONTHLY_USD, a person's (or API key's) crossing 80/100 % of
 * their own monthly budget, and yesterday's spend of a person (or the org) far above its trailing
 * median.
 */

export interface AlertsConfig {
  channel: string;
  /** A claim's lease (DELIVERY_LEASE_SECONDS), as for digests. */
  leaseMs?: number | undefined;
  /** Monthly budget in cents; no budget alerts without one. */
  budgetMonthlyCents?: number | undefined;
  /** Monthly budgets of people and API keys; none without a default or overrides. */
  personalBudgets?: PersonalBudgets | undefined;
  spike: SpikeRule & { trailingDays: number };
}

export interface AlertsDeps {
  loader: UsageLoader;
  ledger: DeliveryLedger;
  slack?: WebClient | undefined;
  lookupUser(email: string): Promise<string | null>;
  /** Email → Slack user and name, for naming people; defaults to `lookupUser` (no names). */
  lookupPerson?(email: string): Promise<SlackPerson | null>;
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
    runDate: options.date,
    slack: options.dryRun ? undefined : deps.slack,
    owner,
    leaseMs: config.leaseMs,
    dryRun: options.dryRun ?? false,
    log,
    counts,
  });
  const yesterday = shiftDay(options.date, -1);
  const lookupPerson = deps.lookupPerson ?? idOnlyLookup(deps.lookupUser);

  /** A lower threshold reached together with a higher one: recorded as covered, never posted. */
  async function markCovered(key: DeliveryKey, by: string) {
    const claim = await deps.ledger.claim(key, {
      owner,
      leaseMs: 60_000,
      maxAttempts: 1,
      runDate: options.date,
    });
    if (claim.status === "claimed") {
      await deps.ledger.markDelivered(key, owner, { channel: config.channel, ts: by });
    }
  }

  const personKey = (actor: { key: string }, month: string, threshold: number) => ({
    kind: "alert-user-budget",
    target: config.channel,
    period: `${month}:${actor.key}:${threshold}`,
  });

  /**
   * People whose highest threshold is not announced yet: one of them gets a message of their own;
   * several get one message together (each person's thresholds are then recorded as covered by
   * it). The shared message's key is made of who and which threshold, so a rerun after a crash
   * finds it delivered instead of posting it again.
   */
  async function announcePersonalBudgets(over: PersonalBudgetStatus<ActorRow>[]) {
    const pending: typeof over = [];
    for (const entry of over) {
      const highest = entry.status.crossed.at(-1) ?? 0;
      const done = await deps.ledger.get(personKey(entry.actor, entry.status.month, highest));
      if (done?.status !== "delivered") pending.push(entry);
    }
    if (pending.length === 0) return;
    const names = await namesFor(
      pending.map((p) => p.actor),
      lookupPerson,
      "channel",
    );
    if (pending.length === 1) {
      const [{ actor, status }] = pending as [(typeof over)[number]];
      const who = {
        mrkdwn: actorMrkdwn(actor, names),
        name: actorShortName(actor, names),
        apiKey: actor.type === "api_key",
      };
      await announceHighest(
        status.crossed,
        (threshold) => personKey(actor, status.month, threshold),
        (threshold) => renderPersonalBudgetAlert(status, threshold, who, now()),
      );
      return;
    }
    const month = pending[0]?.status.month ?? "";
    const digest = createHash("sha256")
      .update(pending.map((p) => `${p.actor.key}:${p.status.crossed.at(-1)}`).join("\n"))
      .digest("hex")
      .slice(0, 16);
    const groupKey = {
      kind: "alert-user-budgets",
      target: config.channel,
      period: `${month}:${digest}`,
    };
    await deliver(
      groupKey,
      config.channel,
      renderPersonalBudgetsAlert(
        pending.map(({ actor, status }) => ({
          status,
          who: actorMrkdwn(actor, names),
          apiKey: actor.type === "api_key",
        })),
        now(),
      ),
    );
    if (options.dryRun || (await deps.ledger.get(groupKey))?.status !== "delivered") return;
    for (const { actor, status } of pending) {
      for (const threshold of status.crossed) {
        await markCovered(
          personKey(actor, status.month, threshold),
          `in-${groupKey.kind}-${digest}`,
        );
      }
    }
  }

  /**
   * One message for the highest threshold reached; lower ones crossed at the same time are
   * claimed with it, so that they are not announced afterwards.
   */
  async function announceHighest(
    crossed: readonly number[],
    key: (threshold: number) => { kind: string; target: string; period: string },
    message: (threshold: number) => SlackMessage,
  ) {
    const highest = crossed.at(-1);
    if (highest === undefined) return;
    for (const threshold of [...crossed].reverse()) {
      if (threshold === highest) await deliver(key(threshold), config.channel, message(highest));
      else if (!options.dryRun) await markCovered(key(threshold), `superseded-by-${highest}`);
    }
  }

  const orgBudget = (config.budgetMonthlyCents ?? 0) > 0 ? config.budgetMonthlyCents : undefined;
  const personal = config.personalBudgets;
  if (orgBudget || hasPersonalBudgets(personal)) {
    const report = await deps.loader.loadReport(monthToDate(yesterday), { compare: false });
    if (orgBudget) {
      const status = budgetStatus(report.totals.costCents, orgBudget, yesterday);
      await announceHighest(
        status.crossed,
        (threshold) => ({
          kind: "alert-budget",
          target: config.channel,
          period: `${status.month}:${threshold}`,
        }),
        (threshold) => renderBudgetAlert(status, threshold, now()),
      );
    }
    if (hasPersonalBudgets(personal)) {
      await announcePersonalBudgets(personalBudgetsCrossed(report.actors, personal, yesterday));
    }
  }

  // Spikes: yesterday against the trailing days before it, per person and for the org.
  const { spikes, day } = await findSpikes(deps.loader, yesterday, config.spike);
  if (day) {
    const spiking = [...day.actors.values()].filter((a) => spikes.some((s) => s.key === a.key));
    const names = await namesFor(spiking, lookupPerson, "channel");
    for (const spike of spikes) {
      const actor = day.actors.get(spike.key) ?? { key: spike.key, type: "user", name: spike.name };
      const who =
        spike.key === "org"
          ? { mrkdwn: "the whole org", name: "the org" }
          : { mrkdwn: actorMrkdwn(actor, names), name: actorShortName(actor, names) };
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
