import { type AdminClient, createAdminClient, type UsageSource } from "../anthropic/client.js";
import { type Config, requireAdminKey } from "../config.js";
import { createSyntheticOrg } from "../demo/synthetic-org.js";
import { createSyntheticSource } from "../demo/synthetic-source.js";

/** Where usage comes from, per configuration: the Admin API, or the demo organisation. */
export function usageSourceFromConfig(
  config: Config,
  options: { demo?: boolean } = {},
): { source: UsageSource; client?: AdminClient; close(): Promise<void> } {
  if (options.demo) {
    return { source: createSyntheticSource(createSyntheticOrg()), close: async () => undefined };
  }
  const client = createAdminClient({
    adminKey: requireAdminKey(config),
    baseUrl: config.ANTHROPIC_BASE_URL,
    maxAttempts: config.API_MAX_ATTEMPTS,
    requestTimeoutMs: config.API_TIMEOUT_MS,
    connections: config.FETCH_CONCURRENCY,
  });
  return { source: client, client, close: () => client.close() };
}
