import { z } from "zod";

/*
 * Schemas for the Claude Code Analytics Admin API.
 *
 * Tolerance is the rule: the API adds fields, models, tools and perhaps actor types over time.
 * Unknown keys are accepted (and dropped: nothing downstream reads them), counts default to 0 when
 * missing or null, and the page envelope keeps `data` as unknown[] so that one record we cannot
 * read is counted, not fatal.
 *
 * These schemas are the contract; records.ts reads a page's records against them, with the fast
 * path of fast-record.ts in front.
 */

/** A count that may be missing or null in practice; either means 0. */
const count = z
  .number()
  .nullish()
  .transform((v) => v ?? 0);

/** Cost amounts are cents USD, possibly fractional; accept numeric strings too. */
const amount = z
  .union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)])
  .nullish()
  .transform((v) => (v == null ? 0 : Number(v)));

// Loose: an actor type we do not know yet is labelled by whatever fields it brings.
export const actorSchema = z.looseObject({
  type: z.string(),
  email_address: z.string().nullish(),
  api_key_name: z.string().nullish(),
});

export const tokensSchema = z.object({
  input: count,
  output: count,
  cache_read: count,
  cache_creation: count,
});

export const modelUsageSchema = z.object({
  model: z.string(),
  tokens: tokensSchema
    .nullish()
    .transform((t) => t ?? { input: 0, output: 0, cache_read: 0, cache_creation: 0 }),
  estimated_cost: z
    .object({ amount, currency: z.string().nullish() })
    .nullish()
    .transform((c) => c ?? { amount: 0, currency: "USD" }),
});

export const toolActionSchema = z.object({ accepted: count, rejected: count });

export const coreMetricsSchema = z.object({
  num_sessions: count,
  lines_of_code: z
    .object({ added: count, removed: count })
    .nullish()
    .transform((l) => l ?? { added: 0, removed: 0 }),
  commits_by_claude_code: count,
  pull_requests_by_claude_code: count,
});

export const usageRecordSchema = z.object({
  date: z.string().nullish(),
  actor: actorSchema,
  organization_id: z.string().nullish(),
  customer_type: z.string().nullish(),
  subscription_type: z.string().nullish(),
  terminal_type: z
    .string()
    .nullish()
    .transform((t) => t || "unknown"),
  core_metrics: coreMetricsSchema.nullish().transform(
    (c) =>
      c ?? {
        num_sessions: 0,
        lines_of_code: { added: 0, removed: 0 },
        commits_by_claude_code: 0,
        pull_requests_by_claude_code: 0,
      },
  ),
  tool_actions: z
    .record(z.string(), toolActionSchema)
    .nullish()
    .transform((t) => t ?? {}),
  model_breakdown: z
    .array(modelUsageSchema)
    .nullish()
    .transform((m) => m ?? []),
});

/** The page envelope. Records are validated one by one afterwards. */
export const usagePageSchema = z.looseObject({
  data: z.array(z.unknown()),
  has_more: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
  next_page: z.string().nullish(),
});

/** Anthropic's error envelope: {"type":"error","error":{"type":"...","message":"..."}}. */
export const apiErrorBodySchema = z.looseObject({
  error: z.looseObject({ type: z.string().optional(), message: z.string().optional() }),
});

export type UsageRecord = z.infer<typeof usageRecordSchema>;
export type UsageRecordInput = z.input<typeof usageRecordSchema>;
export type UsagePageEnvelope = z.infer<typeof usagePageSchema>;
export type Actor = z.infer<typeof actorSchema>;
