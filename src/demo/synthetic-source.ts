import { MAX_PAGE_SIZE, type UsageSource } from "../anthropic/client.js";
import { parseRecords, type UsagePage } from "../anthropic/records.js";
import type { SyntheticOrg } from "./synthetic-org.js";

/**
 * The demo organisation as a UsageSource, without HTTP: pages go through the same record
 * validation as the API's, so `--demo` exercises everything but the network.
 */
export function createSyntheticSource(org: SyntheticOrg, pageSize = MAX_PAGE_SIZE): UsageSource {
  return {
    async *pages(day: string): AsyncGenerator<UsagePage> {
      const total = org.recordCount(day);
      for (let offset = 0; offset === 0 || offset < total; offset += pageSize) {
        const { records, invalid } = parseRecords(org.records(day, offset, pageSize), offset);
        const hasMore = offset + pageSize < total;
        yield { records, invalid, hasMore, nextPage: hasMore ? `demo_${day}_${offset}` : null };
      }
    },
  };
}
