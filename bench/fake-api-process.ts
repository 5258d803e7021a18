import { parseArgs } from "node:util";
import { startFakeAdminApi } from "../fakes/fake-admin-api.js";
import { createSyntheticOrg } from "../src/demo/synthetic-org.js";

/*
 * The fake Admin API in a process of its own, so that the client being measured has a core to
 * itself and its peak memory is its own. Prints {"url": …} once every page is pre-rendered, then
 * serves until stdin closes.
 */
const { values } = parseArgs({
  options: {
    users: { type: "string", default: "10000" },
    seed: { type: "string", default: "42" },
    latency: { type: "string", default: "30" },
    days: { type: "string", default: "" },
    limit: { type: "string", default: "1000" },
  },
});

const org = createSyntheticOrg({ users: Number(values.users), seed: Number(values.seed) });
const api = await startFakeAdminApi({ org, latencyMs: Number(values.latency), record: false });
api.prerender(values.days.split(",").filter(Boolean), Number(values.limit));
process.stdout.write(`${JSON.stringify({ url: api.url })}\n`);
process.stdin.resume();
process.stdin.on("end", () => void api.close().then(() => process.exit(0)));
