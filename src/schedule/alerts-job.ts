import type { WebClient } from "@slack/web-api";
import type { UsageLoader } from "../loading/usage-loader.js";
import { type Logger, newReferenceId } from "../log.js";
import { type AlertWho, renderMorningAlerts, renderSpikeDetail } from "../render/blocks/alerts.js";
import { actorMrkdwn, actorShortName } from "../render/people.js";
import { findSpikes, type SpikeSizeRule } from "../reports/spikes.js";
import { namesFor } from "../slack/mentions.js";
import type { SlackPerson } from "../slack/user-directory.js";
import type { DeliveryKey, DeliveryLedger } from "../store/ledger.js";
import {
  type BudgetStatus,
  budgetShare,
  budgetStatus,
  hasPersonalBudgets,
  PERSONAL_BUDGET_THRESHOLDS,
  type PersonalBudgetStatus,
  type PersonalBudgets,
  personalBudgetsCrossed,
} from "../usage/alerts.js";
import type { Cents } from "../usage/money.js";
import { monthToDate, shiftDay } from "../usage/periods.js";
import type { ActorRow } from "../usage/report.js";
import { buildRoster, type TeamRoster } from "../usage/teams.js";
import { createDeliverer, type DeliveryCounts, emptyCounts } from "./deliver.js";
import { defaultOwner, idOnlyLookup } from "./digest-job.js";

/*
 * One roll-up a morning in ALERT_CHANNEL, when there is something new to tell: month-to-date
 * spend crossing 50/80/100 % of BUDGET_MONTHLY_USD, a team's crossing 80/100 % of its TEAM_BUDGETS,
 * or a person's (or API key's) crossing 80/100 % of their own budget (each told once), or
 * yesterday's spend spikes. It says where the org's
 * budget stands, who is over or near theirs, and the spikes in one line, with each spike's
 * detail in its thread. Every post — the roll-up and each thread reply — goes through the
 * ledger under its own key, so each is posted exactly once.
 */

export interface AlertsConfig {
  channel: string;
  /** A claim's lease (DELIVERY_LEASE_SECONDS), as for digests. */
  leaseMs?: number | undefined;
  /** Monthly budget in cents; no budget alerts without one. */
  budgetMonthlyCents?: Cents | undefined;
  /** Monthly budgets of people and API keys; none without a default or overrides. */
  personalBudgets?: PersonalBudgets | undefined;
  /** Teams' monthly budgets in cents, by team name (lower-case, as configured). */
  teamBudgets?: ReadonlyMap<string, Cents> | undefined;
  spike: SpikeSizeRule & { trailingDays: number };
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
  /** The org's teams, for TEAM_BUDGETS; without it every budgeted team is unknown. */
  roster?: (() => Promise<TeamRoster>) | undefined;
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
  const dryRun = options.dryRun ?? false;
  const deliver = createDeliverer({
    ledger: deps.ledger,
    runDate: options.date,
    slack: dryRun ? undefined : deps.slack,
    owner,
    leaseMs: config.leaseMs,
    dryRun,
    log,
    counts,
  });
  const yesterday = shiftDay(options.date, -1);
  const lookupPerson = deps.lookupPerson ?? idOnlyLookup(deps.lookupUser);
  const channel = config.channel;

  // Where the month stands: the org's budget, and people's own.
  const orgBudget = (config.budgetMonthlyCents ?? 0) > 0 ? config.budgetMonthlyCents : undefined;
  const personal = config.personalBudgets;
  let orgStatus: BudgetStatus | undefined;
  let people: PersonalBudgetStatus<ActorRow>[] = [];
  if (orgBudget || hasPersonalBudgets(personal)) {
    const report = await deps.loader.loadReport(monthToDate(yesterday), { compare: false });
    if (orgBudget) orgStatus = budgetStatus(report.totals.costCents, orgBudget, yesterday);
    if (hasPersonalBudgets(personal))
      people = personalBudgetsCrossed(report.actors, personal, yesterday);
  }
  // Teams' months, each narrowed to the team: those at 80 % of their budget or more.
  const teams = await teamsNearBudget();
  // Thresholds reached and not yet told: each is told once, in the first roll-up that has it.
  const untold: DeliveryKey[] = [];
  for (const { name, status } of teams) {
    for (const threshold of status.crossed)
      untold.push(teamBudgetKey(channel, status.month, name, threshold));
  }
  if (orgStatus) {
    for (const threshold of orgStatus.crossed) {
      untold.push(budgetKey(channel, orgStatus.month, threshold));
    }
  }
  for (const { actor, status } of people) {
    for (const threshold of status.crossed)
      untold.push(personBudgetKey(channel, status.month, actor.key, threshold));
  }
  const fresh = await notDelivered(deps.ledger, untold);

  // Yesterday's spikes, the org's and people's, when they are large enough to matter.
  const { spikes, day } = await findSpikes(deps.loader, yesterday, config.spike);

  const spikeKey = (key: string): DeliveryKey => ({
    kind: "alert-spike",
    target: channel,
    period: `${yesterday}:${key}`,
  });
  // A spike is told by its reply in the thread, or by a roll-up that had it alone.
  const untoldSpikes = await notDelivered(
    deps.ledger,
    spikes.map((s) => spikeKey(s.key)),
  );

  if (fresh.length === 0 && untoldSpikes.length === 0) {
    log.info({ ...counts, planned: 0 }, "alerts run finished: nothing new to tell");
    return counts;
  }

  const shown = [
    ...people.map((p) => p.actor),
    ...(day ? [...day.actors.values()].filter((a) => spikes.some((s) => s.key === a.key)) : []),
  ];
  // A channel post: people by name, never a mention.
  const names = await namesFor(shown, lookupPerson, "channel");
  const whoOf = (actor: Pick<ActorRow, "key" | "type" | "name">): AlertWho =>
    actor.key === "org"
      ? { mrkdwn: "the org", short: "the org", apiKey: false }
      : {
          mrkdwn: actorMrkdwn(actor, names),
          short: actorShortName(actor, names),
          apiKey: actor.type === "api_key",
        };
  const spikeWho = spikes.map((spike) => ({
    spike,
    who: whoOf(
      day?.actors.get(spike.key) ?? {
        key: spike.key,
        type: spike.key.startsWith("api_key:") ? "api_key" : "user",
        name: spike.name,
      },
    ),
  }));

  const rollupKey = { kind: "alerts", target: channel, period: yesterday };
  const sentBefore = counts.posted + counts.recovered;
  await deliver(
    rollupKey,
    channel,
    renderMorningAlerts(
      {
        day: yesterday,
        orgBudget: orgStatus,
        teams,
        people: people.map(({ actor, status }) => ({ who: whoOf(actor), status })),
        spikes: spikeWho,
        trailingDays: config.spike.trailingDays,
      },
      now(),
    ),
  );
  const rollup = dryRun ? undefined : await deps.ledger.get(rollupKey);
  if (!dryRun && (rollup?.status !== "delivered" || !rollup.ts)) {
    // Not posted (yet): what it tells stays untold, and its thread waits, for a later run.
    log.info({ ...counts, planned: 0 }, "alerts run finished without its roll-up");
    return counts;
  }

  // Told, when this run posted it (or found its own post): the thresholds it carried are recorded
  // as such, so that no later roll-up repeats them. A roll-up already posted earlier this
  // morning did not carry what is new since: that waits for tomorrow's.
  if (!dryRun && counts.posted + counts.recovered > sentBefore) {
    for (const key of fresh) await markTold(key, `in-alerts-${yesterday}`);
    const [only] = spikes;
    if (only && spikes.length === 1) await markTold(spikeKey(only.key), `in-alerts-${yesterday}`);
  }

  // Several spikes: each one's detail in the thread, each once (its own key, in the ledger).
  if (spikeWho.length > 1) {
    for (const { spike, who } of spikeWho) {
      await deliver(
        spikeKey(spike.key),
        channel,
        renderSpikeDetail(spike, who, yesterday, config.spike.trailingDays, now()),
        undefined,
        rollup?.ts ?? undefined,
      );
    }
  }
  log.info({ ...counts, planned: counts.planned.length }, "alerts run finished");
  return counts;

  /**
   * TEAM_BUDGETS' teams at 80 % or more, most over first. A team the roster does not have is
   * logged and counted as failed: the operator must see that its budget is watched by no one.
   */
  async function teamsNearBudget(): Promise<{ name: string; status: BudgetStatus }[]> {
    const budgets = config.teamBudgets;
    if (!budgets || budgets.size === 0) return [];
    const roster = deps.roster ? await deps.roster() : buildRoster([]);
    const near: { name: string; status: BudgetStatus }[] = [];
    for (const [name, budget] of budgets) {
      const team = roster.find(name);
      if (!team) {
        counts.failed++;
        log.error(
          { team: name, teams: roster.teams.map((t) => t.name) },
          "TEAM_BUDGETS names a team the roster does not have: its budget is not watched",
        );
        continue;
      }
      const month = await deps.loader.loadReport(monthToDate(yesterday), {
        compare: false,
        actors: (key) => team.members.has(key),
      });
      const status = budgetStatus(
        month.totals.costCents,
        budget,
        yesterday,
        PERSONAL_BUDGET_THRESHOLDS,
      );
      if (status.crossed.length > 0) near.push({ name: team.name, status });
    }
    return near.sort(
      (a, b) => budgetShare(b.status) - budgetShare(a.status) || a.name.localeCompare(b.name),
    );
  }

  /** A threshold told by the roll-up (`by`): recorded as delivered, never posted on its own. */
  async function markTold(key: DeliveryKey, by: string) {
    const claim = await deps.ledger.claim(key, {
      owner,
      leaseMs: 60_000,
      maxAttempts: 1,
      runDate: options.date,
    });
    if (claim.status === "claimed") {
      await deps.ledger.markDelivered(key, owner, { channel, ts: by });
    }
  }
}

/** The org's budget threshold of a month (the key earlier releases posted each alert under). */
function budgetKey(channel: string, month: string, threshold: number): DeliveryKey {
  return { kind: "alert-budget", target: channel, period: `${month}:${threshold}` };
}

/** A team's budget threshold of a month, by the team's name (lower-case). */
function teamBudgetKey(
  channel: string,
  month: string,
  team: string,
  threshold: number,
): DeliveryKey {
  return {
    kind: "alert-team-budget",
    target: channel,
    period: `${month}:${team.toLowerCase()}:${threshold}`,
  };
}

function personBudgetKey(
  channel: string,
  month: string,
  actorKey: string,
  threshold: number,
): DeliveryKey {
  return {
    kind: "alert-user-budget",
    target: channel,
    period: `${month}:${actorKey}:${threshold}`,
  };
}

async function notDelivered(ledger: DeliveryLedger, keys: DeliveryKey[]): Promise<DeliveryKey[]> {
  const out: DeliveryKey[] = [];
  for (const key of keys) if ((await ledger.get(key))?.status !== "delivered") out.push(key);
  return out;
}
