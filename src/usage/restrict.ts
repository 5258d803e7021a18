import { ACTOR_TYPES, type CompactAggregate } from "./compact.js";
import { emptyMetrics, type Metrics, TOTAL_METRICS, WIDTH } from "./metrics.js";
import { addMicros, storedMicros } from "./money.js";

/*
 * A day narrowed to some actors (a team): their rows, and the totals, daily point and per-model
 * spend recomputed from those rows. Pure. What a day keeps only for the whole org — tokens per
 * model, sessions per terminal, tool decisions per tool, unreadable records — cannot be split
 * by actor and is left out of the narrowed day (the totals still count tokens and tool decisions,
 * which rows hold).
 */

export function restrictCompact(
  part: CompactAggregate,
  keep: (actorKey: string) => boolean,
): CompactAggregate {
  const cols = part.actors;
  const rows: number[] = [];
  for (let row = 0; row < cols.keys.length; row++) {
    if (keep(cols.keys[row] as string)) rows.push(row);
  }

  const data = new Float64Array(rows.length * WIDTH);
  const types = new Uint8Array(rows.length);
  const terminalOffsets = new Uint32Array(rows.length + 1);
  const modelOffsets = new Uint32Array(rows.length + 1);
  const terminalIndex: number[] = [];
  const modelIndex: number[] = [];
  const modelCost: number[] = [];
  const totals: Metrics = emptyMetrics();
  const modelSpend = new Map<string, number>();
  let activeUsers = 0;
  let activeApiKeys = 0;

  rows.forEach((row, i) => {
    const from = row * WIDTH;
    data.set(cols.data.subarray(from, from + WIDTH), i * WIDTH);
    types[i] = cols.types[row] ?? 2;
    const type = ACTOR_TYPES[types[i] ?? 2];
    if (type === "user") activeUsers++;
    else if (type === "api_key") activeApiKeys++;
    for (const metric of TOTAL_METRICS) {
      const value = cols.data[from + metric.column] ?? 0;
      if ("token" in metric) totals.tokens[metric.token] += value;
      else if (metric.key === "costMicros") {
        totals.costMicros = addMicros(totals.costMicros, storedMicros(value));
      } else if (metric.key !== "activeDays") totals[metric.key] += value;
    }
    for (let t = cols.terminalOffsets[row] ?? 0; t < (cols.terminalOffsets[row + 1] ?? 0); t++) {
      terminalIndex.push(cols.terminalIndex[t] ?? 0);
    }
    terminalOffsets[i + 1] = terminalIndex.length;
    for (let m = cols.modelOffsets[row] ?? 0; m < (cols.modelOffsets[row + 1] ?? 0); m++) {
      const model = cols.modelIndex[m] ?? 0;
      const cost = cols.modelCost[m] ?? 0;
      modelIndex.push(model);
      modelCost.push(cost);
      const name = cols.modelNames[model] ?? "unknown";
      modelSpend.set(name, (modelSpend.get(name) ?? 0) + cost);
    }
    modelOffsets[i + 1] = modelIndex.length;
  });

  const day = part.days.length === 1 ? part.days[0] : undefined;
  return {
    v: part.v,
    days: [...part.days],
    totals,
    // A part of several days cannot be split into days by actor: no daily series then.
    daily:
      day === undefined
        ? []
        : [
            {
              day,
              // One day's point is that day's totals of the kept rows.
              costMicros: totals.costMicros,
              sessions: totals.sessions,
              linesAdded: totals.linesAdded,
              commits: totals.commits,
              pullRequests: totals.pullRequests,
              activeUsers,
              activeApiKeys,
            },
          ],
    models: [...modelSpend].map(([model, cost]) => ({
      model,
      costMicros: storedMicros(cost),
      tokens: { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 },
      records: 0,
    })),
    terminals: [],
    tools: [],
    invalidRecords: 0,
    invalidSamples: [],
    nonUsdCostItems: 0,
    actors: {
      keys: rows.map((row) => cols.keys[row] as string),
      names: rows.map((row) => cols.names[row] as string),
      types,
      data,
      terminalNames: cols.terminalNames,
      terminalOffsets,
      terminalIndex: Uint32Array.from(terminalIndex),
      modelNames: cols.modelNames,
      modelOffsets,
      modelIndex: Uint32Array.from(modelIndex),
      modelCost: Float64Array.from(modelCost),
    },
  };
}
