import { createAdminClient } from "../src/anthropic/client.js";
import { parseRecords } from "../src/anthropic/schema.js";
import { createSyntheticOrg } from "../src/demo/synthetic-org.js";
import { createUsageLoader } from "../src/service/usage-loader.js";
import { createMemoryDayCache } from "../src/store/day-cache.js";
import { addRecord, aggregateDay, emptyAggregate } from "../src/usage/aggregate.js";
import { mergeAggregates } from "../src/usage/compact.js";
import { periodBetween } from "../src/usage/periods.js";
import { FAKE_ADMIN_KEY } from "../test/support/fake-admin-api.js";

/*
 * One measured case, in a fresh process (so peak RSS belongs to this case alone).
 * Input: a JSON argument. Output: one JSON line.
 */
export interface CaseInput {
  kind: "cold" | "baseline" | "warm" | "aggregate";
  url: string;
  from: string;
  to: string;
  concurrency: number;
  users: number;
  seed: number;
}

export interface CaseResult {
  ms: number;
  requests: number;
  peakRssMb: number;
  records?: number;
  recordsPerSecond?: number;
  perDayRecordsPerSecond?: number;
  costCents?: number;
}

const input = JSON.parse(process.argv[2] ?? "{}") as CaseInput;
// Every day of the period ended long ago: all are final, as in a report on last month.
const now = () => new Date(Date.parse(`${input.to}T00:00:00Z`) + 30 * 86_400_000);
const period = periodBetween(input.from, input.to);

async function report(concurrency: number, warmFirst: boolean): Promise<CaseResult> {
  const client = createAdminClient({
    adminKey: FAKE_ADMIN_KEY,
    baseUrl: input.url,
    connections: concurrency,
  });
  const loader = createUsageLoader({
    source: client,
    cache: createMemoryDayCache(),
    concurrency,
    now,
  });
  if (warmFirst) await loader.loadReport(period, { compare: false });
  const before = client.requestCount;
  const started = performance.now();
  const result = await loader.loadReport(period, { compare: false });
  const ms = performance.now() - started;
  await client.close();
  return {
    ms,
    requests: client.requestCount - before,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    records: result.daily.length,
    costCents: result.totals.costCents,
  };
}

function aggregate(): CaseResult {
  const org = createSyntheticOrg({ users: input.users, seed: input.seed });
  // Records as the client holds them: parsed from JSON, then read into UsageRecords.
  const byDay = period.days.map(
    (day) =>
      parseRecords(JSON.parse(JSON.stringify(org.records(day, 0, Number.MAX_SAFE_INTEGER))))
        .records,
  );
  const records = byDay.flat();
  const time = (fn: () => void) => {
    fn(); // warm up the JIT
    const runs = 5;
    const started = performance.now();
    for (let i = 0; i < runs; i++) fn();
    return (performance.now() - started) / runs;
  };
  const onePass = time(() => {
    const agg = emptyAggregate();
    for (const record of records) addRecord(agg, record);
  });
  const perDay = time(() => {
    mergeAggregates(period.days.map((day, i) => aggregateDay(day, byDay[i] ?? [])));
  });
  return {
    ms: onePass,
    requests: 0,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    records: records.length,
    recordsPerSecond: records.length / (onePass / 1000),
    perDayRecordsPerSecond: records.length / (perDay / 1000),
  };
}

const result =
  input.kind === "aggregate"
    ? aggregate()
    : await report(input.kind === "baseline" ? 1 : input.concurrency, input.kind === "warm");
process.stdout.write(`${JSON.stringify(result)}\n`);
