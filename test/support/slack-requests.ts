import { createHmac } from "node:crypto";

/* Requests as Slack sends them to an app in HTTP mode, signed with the app's signing secret. */

export const SIGNING_SECRET = "fake-signing-secret-0123456789abcdef";

export interface Posted {
  status: number;
  body: string;
  /** When the response arrived (ms since epoch). */
  at: number;
}

export async function postSigned(
  url: string,
  body: string,
  contentType: string,
  secret = SIGNING_SECRET,
): Promise<Posted> {
  const ts = Math.floor(Date.now() / 1000).toString();
  const signature = `v0=${createHmac("sha256", secret).update(`v0:${ts}:${body}`).digest("hex")}`;
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": contentType,
      "x-slack-request-timestamp": ts,
      "x-slack-signature": signature,
    },
    body,
  });
  return { status: response.status, body: await response.text(), at: Date.now() };
}

export function slashCommand(
  url: string,
  fields: { text: string; user_id: string; response_url: string; channel_id?: string },
  secret?: string,
) {
  const body = new URLSearchParams({
    token: "legacy-verification-token",
    team_id: "T0FAKE",
    team_domain: "fake",
    channel_id: fields.channel_id ?? "C0GENERAL",
    channel_name: "general",
    user_id: fields.user_id,
    user_name: fields.user_id.toLowerCase(),
    command: "/claude-usage",
    text: fields.text,
    api_app_id: "A0FAKE",
    response_url: fields.response_url,
    trigger_id: "1.2.3",
  }).toString();
  return postSigned(url, body, "application/x-www-form-urlencoded", secret);
}

export function buttonClick(
  url: string,
  fields: { user_id: string; action_id: string; value: string; response_url: string },
) {
  const payload = {
    type: "block_actions",
    user: { id: fields.user_id, username: fields.user_id.toLowerCase(), team_id: "T0FAKE" },
    api_app_id: "A0FAKE",
    token: "legacy-verification-token",
    container: { type: "message", message_ts: "1.1", channel_id: "C0GENERAL", is_ephemeral: true },
    trigger_id: "1.2.3",
    team: { id: "T0FAKE", domain: "fake" },
    channel: { id: "C0GENERAL", name: "general" },
    response_url: fields.response_url,
    actions: [
      {
        action_id: fields.action_id,
        block_id: "report_actions",
        type: "button",
        value: fields.value,
        action_ts: "1.2",
      },
    ],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return postSigned(url, body, "application/x-www-form-urlencoded");
}

export function eventCallback(url: string, event: Record<string, unknown>) {
  const body = JSON.stringify({
    token: "legacy-verification-token",
    team_id: "T0FAKE",
    api_app_id: "A0FAKE",
    event,
    type: "event_callback",
    event_id: `Ev${Date.now()}`,
    event_time: Math.floor(Date.now() / 1000),
  });
  return postSigned(url, body, "application/json");
}
