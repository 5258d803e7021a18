import type { UsageRecordInput } from "../src/anthropic/schema.js";

/* Hand-made API records for tests: small, readable, every field spelled out where it matters. */

export interface RecordSpec {
  email?: string;
  apiKey?: string;
  day?: string;
  terminal?: string;
  sessions?: number;
  added?: number;
  removed?: number;
  commits?: number;
  prs?: number;
  edit?: [accepted: number, rejected: number];
  /** [model, cost in cents, input tokens?, output tokens?] */
  models?: [model: string, cents: number, input?: number, output?: number][];
}

export function apiRecord(spec: RecordSpec): UsageRecordInput {
  const actor = spec.apiKey
    ? { type: "api_actor", api_key_name: spec.apiKey }
    : { type: "user_actor", email_address: spec.email ?? "ada@example.com" };
  return {
    date: `${spec.day ?? "2026-11-24"}T00:00:00Z`,
    actor,
    organization_id: "org-test",
    customer_type: spec.apiKey ? "api" : "subscription",
    terminal_type: spec.terminal ?? "vscode",
    core_metrics: {
      num_sessions: spec.sessions ?? 1,
      lines_of_code: { added: spec.added ?? 0, removed: spec.removed ?? 0 },
      commits_by_claude_code: spec.commits ?? 0,
      pull_requests_by_claude_code: spec.prs ?? 0,
    },
    tool_actions: {
      edit_tool: { accepted: spec.edit?.[0] ?? 0, rejected: spec.edit?.[1] ?? 0 },
      multi_edit_tool: { accepted: 0, rejected: 0 },
      write_tool: { accepted: 0, rejected: 0 },
      notebook_edit_tool: { accepted: 0, rejected: 0 },
    },
    model_breakdown: (spec.models ?? []).map(([model, cents, input = 0, output = 0]) => ({
      model,
      tokens: { input, output, cache_read: 0, cache_creation: 0 },
      estimated_cost: { currency: "USD", amount: cents },
    })),
    subscription_type: spec.apiKey ? null : "enterprise",
  };
}
