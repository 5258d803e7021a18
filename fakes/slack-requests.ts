import { createHmac } from "node:crypto";

/* Requests as Slack sends them to an app in HTTP mode, signed with the app's signing secret. */

export const SIGNING_SECRET = "fake-signing-secret-0123456789abcdef";

export interface Posted {
  status: number;
  body: string;
  /** When the response arrived (ms since epoch). */
  at: number;
}

export interface SignedRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/** A signed request, to post once with `send` — or several times: a replay. */
export function signRequest(
  url: string,
  body: string,
  contentType: string,
  secret = SIGNING_SECRET,
): SignedRequest {
  const ts = Math.floor(Date.now() / 1000).toString();
  const signature = `v0=${createHmac("sha256", secret).update(`v0:${ts}:${body}`).digest("hex")}`;
  return {
    url,
    body,
    headers: {
      "content-type": contentType,
      "x-slack-request-timestamp": ts,
      "x-slack-signature": signature,
    },
  };
}

/** Who acts, as Slack describes the user in an interaction payload. */
function slackUser(userId: string) {
  return {
    id: userId,
    username: userId.toLowerCase(),
    name: userId.toLowerCase(),
    team_id: "T0FAKE",
  };
}

/** An interaction payload as Slack posts it: form-encoded `payload=<json>`, signed. */
function signedPayload(url: string, payload: object): SignedRequest {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return signRequest(url, body, "application/x-www-form-urlencoded");
}

/** Post a signed request as it is; `extraHeaders` e.g. Slack's `x-slack-retry-num`. */
export async function send(
  request: SignedRequest,
  extraHeaders: Record<string, string> = {},
): Promise<Posted> {
  const response = await fetch(request.url, {
    method: "POST",
    headers: { ...request.headers, ...extraHeaders },
    body: request.body,
  });
  return { status: response.status, body: await response.text(), at: Date.now() };
}

export async function postSigned(
  url: string,
  body: string,
  contentType: string,
  secret = SIGNING_SECRET,
): Promise<Posted> {
  return send(signRequest(url, body, contentType, secret));
}

// Slack gives every interaction its own trigger_id and every event its own event_id; the app
// drops a request whose id it has seen, so tests need them unique too.
let sequence = 0;
const nextId = () => `${Date.now()}.${++sequence}`;

export interface SlashCommandFields {
  /** Left out of the body when undefined (Slack has been seen to do that). */
  text: string | undefined;
  user_id: string;
  response_url: string;
  channel_id?: string;
  trigger_id?: string;
}

export function slashCommandRequest(
  url: string,
  fields: SlashCommandFields,
  secret?: string,
): SignedRequest {
  const body = new URLSearchParams({
    token: "legacy-verification-token",
    team_id: "T0FAKE",
    team_domain: "fake",
    channel_id: fields.channel_id ?? "C0GENERAL",
    channel_name: "general",
    user_id: fields.user_id,
    user_name: fields.user_id.toLowerCase(),
    command: "/claude-usage",
    ...(fields.text === undefined ? {} : { text: fields.text }),
    api_app_id: "A0FAKE",
    response_url: fields.response_url,
    trigger_id: fields.trigger_id ?? nextId(),
  }).toString();
  return signRequest(url, body, "application/x-www-form-urlencoded", secret);
}

export function slashCommand(url: string, fields: SlashCommandFields, secret?: string) {
  return send(slashCommandRequest(url, fields, secret));
}

export interface ButtonClickFields {
  user_id: string;
  action_id: string;
  value: string;
  response_url: string;
  trigger_id?: string;
  /** The message the button is on. */
  message_ts?: string;
  action_ts?: string;
  /** Where the message is (default C0GENERAL, #general); a DM is a D… id. */
  channel_id?: string;
  channel_name?: string;
  /**
   * The message as Slack sends it with a click on an ordinary (not ephemeral) message: its text
   * and blocks. Without it, the click is on an ephemeral reply, as after a slash command.
   */
  message?: { text?: string; blocks: unknown[] };
  block_id?: string;
}

/** The common part of a block_actions payload: who, where, on what message. */
function blockActionsRequest(
  url: string,
  fields: Omit<ButtonClickFields, "action_id" | "value">,
  action: Record<string, unknown>,
): SignedRequest {
  const channelId = fields.channel_id ?? "C0GENERAL";
  const messageTs = fields.message_ts ?? "1.1";
  const payload = {
    type: "block_actions",
    user: slackUser(fields.user_id),
    api_app_id: "A0FAKE",
    token: "legacy-verification-token",
    container: {
      type: "message",
      message_ts: messageTs,
      channel_id: channelId,
      is_ephemeral: !fields.message,
    },
    trigger_id: fields.trigger_id ?? nextId(),
    team: { id: "T0FAKE", domain: "fake" },
    channel: {
      id: channelId,
      name: fields.channel_name ?? (channelId.startsWith("D") ? "directmessage" : "general"),
    },
    ...(fields.message
      ? {
          message: {
            type: "message",
            bot_id: "B0FAKE",
            user: "U0BOT",
            ts: messageTs,
            text: fields.message.text ?? "",
            blocks: fields.message.blocks,
          },
        }
      : {}),
    response_url: fields.response_url,
    actions: [
      {
        block_id: fields.block_id ?? "report_actions",
        action_ts: fields.action_ts ?? nextId(),
        ...action,
      },
    ],
  };
  return signedPayload(url, payload);
}

export function buttonClickRequest(url: string, fields: ButtonClickFields): SignedRequest {
  return blockActionsRequest(url, fields, {
    action_id: fields.action_id,
    type: "button",
    value: fields.value,
  });
}

export function buttonClick(url: string, fields: ButtonClickFields) {
  return send(buttonClickRequest(url, fields));
}

export interface OverflowPickFields extends Omit<ButtonClickFields, "value"> {
  /** The picked option: its value, and the text it showed. */
  option: { value: string; text: string };
}

/** An option picked in an overflow menu (`type: "overflow"`, `selected_option`). */
export function overflowPickRequest(url: string, fields: OverflowPickFields): SignedRequest {
  return blockActionsRequest(url, fields, {
    action_id: fields.action_id,
    type: "overflow",
    selected_option: {
      text: { type: "plain_text", text: fields.option.text, emoji: true },
      value: fields.option.value,
    },
  });
}

export function overflowPick(url: string, fields: OverflowPickFields) {
  return send(overflowPickRequest(url, fields));
}

export function eventCallbackRequest(
  url: string,
  event: Record<string, unknown>,
  eventId = `Ev${nextId()}`,
): SignedRequest {
  const body = JSON.stringify({
    token: "legacy-verification-token",
    team_id: "T0FAKE",
    api_app_id: "A0FAKE",
    event,
    type: "event_callback",
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
  });
  return signRequest(url, body, "application/json");
}

export function eventCallback(url: string, event: Record<string, unknown>) {
  return send(eventCallbackRequest(url, event));
}

/** The view (Home tab or modal) an interaction comes from, as Slack echoes it back. */
export interface ViewFields {
  id?: string;
  hash?: string;
  type?: "modal" | "home";
  callback_id?: string;
  private_metadata?: string;
  blocks?: unknown[];
}

export type HomeAction =
  | { type: "button"; action_id: string; value: string; block_id?: string }
  | {
      type: "static_select";
      action_id: string;
      /** The chosen option's value (its text is not read by the app). */
      selected: string;
      block_id?: string;
    };

/**
 * A click in the app's Home tab (block_actions from a view): no channel, no response_url, the
 * view with its private_metadata and hash.
 */
export function homeActionRequest(
  url: string,
  fields: { user_id: string; action: HomeAction; view?: ViewFields },
): SignedRequest {
  const { action } = fields;
  const viewId = fields.view?.id ?? `V${fields.user_id}`;
  const base = { action_id: action.action_id, block_id: action.block_id ?? "home_controls" };
  const payload = {
    type: "block_actions",
    user: slackUser(fields.user_id),
    api_app_id: "A0FAKE",
    token: "legacy-verification-token",
    container: { type: "view", view_id: viewId },
    trigger_id: nextId(),
    team: { id: "T0FAKE", domain: "fake" },
    enterprise: null,
    is_enterprise_install: false,
    view: viewPayload({
      type: "home",
      ...fields.view,
      id: viewId,
      hash: fields.view?.hash ?? "1.hash",
    }),
    actions: [
      action.type === "button"
        ? {
            ...base,
            type: "button",
            text: { type: "plain_text", text: "Button", emoji: true },
            value: action.value,
            action_ts: nextId(),
          }
        : {
            ...base,
            type: "static_select",
            selected_option: {
              text: { type: "plain_text", text: action.selected, emoji: true },
              value: action.selected,
            },
            placeholder: { type: "plain_text", text: "Choose", emoji: true },
            action_ts: nextId(),
          },
    ],
  };
  return signedPayload(url, payload);
}

export function homeAction(
  url: string,
  fields: { user_id: string; action: HomeAction; view?: ViewFields },
) {
  return send(homeActionRequest(url, fields));
}

/** One input's state as Slack reports it (`view.state.values[block_id][action_id]`). */
export type InputState =
  | { type: "conversations_select"; selected_conversation: string | null }
  | { type: "static_select"; selected_option: { value: string } | null }
  | { type: "timepicker"; selected_time: string | null };

function viewPayload(view: ViewFields, values: Record<string, Record<string, InputState>> = {}) {
  return {
    id: view.id ?? "VFAKE",
    team_id: "T0FAKE",
    type: view.type ?? "modal",
    blocks: view.blocks ?? [],
    private_metadata: view.private_metadata ?? "",
    callback_id: view.callback_id ?? "",
    state: { values },
    hash: view.hash ?? "h0",
    root_view_id: view.id ?? "VFAKE",
    app_id: "A0FAKE",
    bot_id: "BBOT",
  };
}

export interface ViewSubmissionFields {
  user_id: string;
  view: ViewFields;
  values: Record<string, Record<string, InputState>>;
  trigger_id?: string;
}

/** A modal's submit, as Slack posts it; the app answers in the HTTP response (response_action). */
export function viewSubmissionRequest(url: string, fields: ViewSubmissionFields): SignedRequest {
  const payload = {
    type: "view_submission",
    team: { id: "T0FAKE", domain: "fake" },
    user: slackUser(fields.user_id),
    api_app_id: "A0FAKE",
    token: "legacy-verification-token",
    trigger_id: fields.trigger_id ?? nextId(),
    view: viewPayload(fields.view, fields.values),
    response_urls: [],
    is_enterprise_install: false,
  };
  return signedPayload(url, payload);
}

export function viewSubmission(url: string, fields: ViewSubmissionFields) {
  return send(viewSubmissionRequest(url, fields));
}

export interface ViewActionFields {
  user_id: string;
  action_id: string;
  value?: string;
  block_id?: string;
  /** The modal or Home tab the button is on. */
  view: ViewFields;
  trigger_id?: string;
}

/** A button clicked in a modal or on the Home tab: block_actions with the view, no response_url. */
export function viewActionRequest(url: string, fields: ViewActionFields): SignedRequest {
  const payload = {
    type: "block_actions",
    user: slackUser(fields.user_id),
    api_app_id: "A0FAKE",
    token: "legacy-verification-token",
    container: { type: "view", view_id: fields.view.id ?? "VFAKE" },
    trigger_id: fields.trigger_id ?? nextId(),
    team: { id: "T0FAKE", domain: "fake" },
    view: viewPayload(fields.view),
    actions: [
      {
        action_id: fields.action_id,
        block_id: fields.block_id ?? "actions",
        type: "button",
        ...(fields.value === undefined ? {} : { value: fields.value }),
        text: { type: "plain_text", text: "button" },
        action_ts: nextId(),
      },
    ],
  };
  return signedPayload(url, payload);
}

export function viewAction(url: string, fields: ViewActionFields) {
  return send(viewActionRequest(url, fields));
}
