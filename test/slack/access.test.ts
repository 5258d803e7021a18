import { WebClient } from "@slack/web-api";
import { afterEach, describe, expect, it } from "vitest";
import {
  FAKE_BOT_TOKEN,
  type FakeSlackApi,
  startFakeSlackApi,
} from "../../fakes/fake-slack-api.js";
import { createAccessPolicy } from "../../src/slack/access.js";

let slack: FakeSlackApi | undefined;
afterEach(async () => {
  await slack?.close();
});

describe("createAccessPolicy", () => {
  it("with no rule, everyone may see org-wide reports", async () => {
    slack = await startFakeSlackApi({ botToken: FAKE_BOT_TOKEN });
    const policy = createAccessPolicy({
      client: new WebClient(FAKE_BOT_TOKEN, { slackApiUrl: slack.apiUrl }),
    });
    expect(policy.restricted).toBe(false);
    expect(await policy.canSeeOrg("UANYONE")).toBe(true);
  });

  it("fails closed when the user group cannot be read, keeps the last known members after a hiccup", async () => {
    let broken = true;
    slack = await startFakeSlackApi({
      botToken: FAKE_BOT_TOKEN,
      usergroups: { SLEADS: ["UBOSS"] },
      fault: (call) =>
        broken && call.method === "usergroups.users.list" ? { error: "internal_error" } : undefined,
    });
    let clock = 0;
    const errors: unknown[] = [];
    const policy = createAccessPolicy({
      client: new WebClient(FAKE_BOT_TOKEN, {
        slackApiUrl: slack.apiUrl,
        retryConfig: { retries: 0 },
      }),
      allowedUsergroup: "SLEADS",
      groupTtlMs: 1000,
      now: () => clock,
      onError: (e) => errors.push(e),
    });
    expect(await policy.canSeeOrg("UBOSS")).toBe(false); // nothing known yet: closed
    expect(errors).toHaveLength(1);
    broken = false;
    expect(await policy.canSeeOrg("UBOSS")).toBe(true);
    broken = true;
    clock += 2000; // the list is stale and Slack fails again: the last known list still counts
    expect(await policy.canSeeOrg("UBOSS")).toBe(true);
    expect(await policy.canSeeOrg("USOMEONE")).toBe(false);
  });
});
