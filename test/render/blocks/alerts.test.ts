import { describe, expect, it } from "vitest";
import {
  type AlertWho,
  type MorningAlerts,
  renderMorningAlerts,
  renderSpikeDetail,
} from "../../../src/render/blocks/alerts.js";
import { limitViolations, type SlackMessage } from "../../../src/render/blocks/index.js";
import {
  BUDGET_THRESHOLDS,
  budgetStatus,
  PERSONAL_BUDGET_THRESHOLDS,
  type Spike,
} from "../../../src/usage/alerts.js";
import { cents } from "../../../src/usage/money.js";

/* The morning roll-up, read as a person reads it: section by section, top to bottom. */

const now = new Date("2026-11-25T09:00:00Z");
const person = (name: string): AlertWho => ({ mrkdwn: name, short: name, apiKey: false });
const key = (name: string): AlertWho => ({
  mrkdwn: `🔑 ${name}`,
  short: `🔑 ${name}`,
  apiKey: true,
});
const spike = (k: string, costCents: number, medianCents: number): Spike => ({
  key: k,
  name: k,
  costCents: cents(costCents),
  medianCents: cents(medianCents),
  factor: medianCents > 0 ? costCents / medianCents : Number.POSITIVE_INFINITY,
});
const sections = (m: SlackMessage) =>
  m.blocks.map((b) =>
    b.type === "section"
      ? (b.text?.text ?? "")
      : b.type === "context"
        ? b.elements.map((e) => ("text" in e ? e.text : "")).join("")
        : "",
  );

function morning(overrides: Partial<MorningAlerts> = {}): MorningAlerts {
  return {
    day: "2026-11-24",
    orgBudget: budgetStatus(cents(16_500_00), cents(20_000_00), "2026-11-24", BUDGET_THRESHOLDS),
    people: [
      {
        who: person("Niklaus Diffie"),
        status: budgetStatus(
          cents(1_384_17),
          cents(600_00),
          "2026-11-24",
          PERSONAL_BUDGET_THRESHOLDS,
        ),
      },
      {
        who: key("nightly"),
        status: budgetStatus(
          cents(510_00),
          cents(600_00),
          "2026-11-24",
          PERSONAL_BUDGET_THRESHOLDS,
        ),
      },
    ],
    spikes: [
      { who: person("Ada Lovelace"), spike: spike("user:ada", 36_87, 8_02) },
      ...Array.from({ length: 7 }, (_, i) => ({
        who: person(`P${i}`),
        spike: spike(`user:p${i}`, 30_00 - i, 5_00),
      })),
    ],
    trailingDays: 14,
    ...overrides,
  };
}

describe("renderMorningAlerts", () => {
  it("the org's budget first, then people over or near theirs, then the spikes in one line", () => {
    const m = renderMorningAlerts(morning(), now);
    const [title, org, people, spikes, context] = sections(m);
    expect(title).toBe("*Claude Code alerts · Tue 24 Nov*");
    expect(org).toBe(
      "💸 *Near budget*: November so far $16,500 of $20,000 (83%) · on pace for $20,625",
    );
    expect(people).toBe(
      "*Budgets: 1 person over, 1 person near their own monthly budget*\n" +
        "🚨 Niklaus Diffie  $1,384 of $600 (231%)\n" +
        "• 🔑 nightly  $510 of $600 (85%)",
    );
    expect(spikes).toBe(
      "📈 *8 spend spikes*, largest Ada Lovelace $36.87, 4.6× usual · details in the thread",
    );
    expect(context).toBe(
      "Month to date through Tue 24 Nov · usual = median of the 14 days before, quiet days included · costs are estimates from Anthropic",
    );
    expect(m.text).toBe(
      "Claude Code alerts: 83% of the budget · 1 person over, 1 person near their budget · 8 spend spikes, largest Ada Lovelace $36.87",
    );
    expect(limitViolations(m)).toEqual([]);
  });

  it("the org's budget in words: on track, on pace to go over, over, and closed once the month is", () => {
    const line = (spent: number, through: string) =>
      sections(
        renderMorningAlerts(
          morning({
            orgBudget: budgetStatus(cents(spent), cents(20_000_00), through, BUDGET_THRESHOLDS),
            people: [],
            spikes: [],
          }),
          now,
        ),
      )[1];
    expect(line(9_000_00, "2026-11-24")).toMatch(/^✅ \*On track\*: November so far \$9,000 of/);
    expect(line(15_000_00, "2026-11-15")).toMatch(/^⚠️ \*On pace to go over\*/);
    expect(line(21_000_00, "2026-11-24")).toMatch(/^🚨 \*Over budget\*/);
    expect(line(20_200_00, "2026-11-30")).toBe(
      "🚨 *Over budget*: November closed at $20,200 of $20,000 (101%)",
    );
    expect(line(19_000_00, "2026-11-30")).toMatch(/^✅ \*Within budget\*: November closed at/);
  });

  it("one spike is told in full in the message; the org's own comes first", () => {
    const one = renderMorningAlerts(
      morning({
        orgBudget: undefined,
        people: [],
        spikes: [{ who: person("Ada"), spike: spike("user:ada", 150_00, 0) }],
      }),
      now,
    );
    expect(sections(one)[1]).toBe("📈 Ada spent *$150.00*, with no usual spend");
    expect(one.text).toBe("Claude Code alerts: spend spike: Ada $150.00");
    // A name is never capitalised (an email stays as it is).
    const lower = renderMorningAlerts(
      morning({
        orgBudget: undefined,
        people: [],
        spikes: [{ who: person("ada@example.com"), spike: spike("user:ada", 150_00, 30_00) }],
      }),
      now,
    );
    expect(sections(lower)[1]).toBe("📈 ada@example.com spent *$150.00*, 5.0× usual");
    const withOrg = renderMorningAlerts(
      morning({
        orgBudget: undefined,
        people: [],
        spikes: [
          { who: person("the org"), spike: spike("org", 900_00, 300_00) },
          { who: person("Ada"), spike: spike("user:ada", 150_00, 30_00) },
        ],
      }),
      now,
    );
    expect(sections(withOrg)[1]).toBe(
      "📈 The org spent *$900.00*, 3.0× usual; Ada spent *$150.00*, 5.0× usual · details in the thread",
    );
  });

  it("400 people over budget fit in one message; eight are listed, the rest counted", () => {
    const people = Array.from({ length: 400 }, (_, i) => ({
      who: person(`Person ${i}`),
      status: budgetStatus(
        cents(100_00 + i),
        cents(100_00),
        "2026-11-24",
        PERSONAL_BUDGET_THRESHOLDS,
      ),
    }));
    const m = renderMorningAlerts(morning({ people, spikes: [] }), now);
    expect(limitViolations(m)).toEqual([]);
    expect(sections(m)[2]).toContain("*Budgets: 400 people over their own monthly budget*");
    expect(sections(m)[2]).toContain("🚨 Person 7  $100 of $100 (100%)");
    expect(sections(m)[2]).not.toContain("Person 8 ");
    expect(sections(m)[2]).toContain("…and 392 more");
  });

  it("a 3,000-character name is clipped to fit", () => {
    const long = person("x".repeat(3000));
    const m = renderMorningAlerts(
      morning({ spikes: [{ who: long, spike: spike("user:x", 50_00, 10_00) }] }),
      now,
    );
    expect(limitViolations(m)).toEqual([]);
  });
});

describe("renderSpikeDetail (in the roll-up's thread)", () => {
  it("says who, how much, and against what", () => {
    const m = renderSpikeDetail(
      spike("user:ada", 36_87, 8_02),
      person("Ada"),
      "2026-11-24",
      14,
      now,
    );
    expect(sections(m)).toEqual([
      "📈 Ada spent *$36.87* on Tue 24 Nov, 4.6× their usual day ($8.02, the median of the 14 days before).",
    ]);
    expect(m.text).toBe("Spend spike: Ada $36.87 on Tue 24 Nov");
    const k = renderSpikeDetail(spike("api_key:ci", 90_00, 0), key("ci"), "2026-11-24", 14, now);
    expect(sections(k)[0]).toBe(
      "📈 🔑 ci spent *$90.00* on Tue 24 Nov, with no spend on most of the 14 days before.",
    );
  });
});

describe("teams in the morning roll-up", () => {
  const team = (name: string, spent: number, budget: number, through = "2026-11-24") => ({
    name,
    status: budgetStatus(cents(spent), cents(budget), through, PERSONAL_BUDGET_THRESHOLDS),
  });

  it("after the org's budget and before the people, each team in words", () => {
    const message = renderMorningAlerts(
      morning({
        teams: [team("Backend", 5_400_00, 5_000_00), team("Platform", 2_100_00, 2_500_00)],
      }),
      now,
    );
    const read = sections(message);
    const teams = read.findIndex((s) => s.startsWith("*Teams*"));
    expect(teams).toBe(2);
    expect(read[teams]).toBe(
      [
        "*Teams*",
        "🚨 *Backend* is over its budget: November so far $5,400 of $5,000 (108%) · on pace for $6,750",
        "💸 *Platform* is near its budget: November so far $2,100 of $2,500 (84%) · on pace for $2,625",
      ].join("\n"),
    );
    expect(read[teams + 1]).toMatch(/^\*Budgets: /);
    expect(message.text).toContain("Backend over its budget, Platform at 84% of its budget");
    expect(limitViolations(message)).toEqual([]);
  });

  it("a closed month says where the team closed, without a pace", () => {
    const read = sections(
      renderMorningAlerts(
        morning({
          orgBudget: undefined,
          people: [],
          teams: [team("Data", 900_00, 1_000_00, "2026-11-30")],
        }),
        now,
      ),
    );
    expect(read).toContain(
      "*Teams*\n💸 *Data* is near its budget: November closed at $900 of $1,000 (90%)",
    );
    expect(read.join("\n")).toContain("Month to date through Mon 30 Nov");
  });
});
