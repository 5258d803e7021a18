import type { KnownBlock } from "@slack/web-api";
import { tableViolations } from "./table.js";

/* Block Kit's limits (api.slack.com/reference/block-kit), and helpers that keep messages in them. */

export const MAX_BLOCKS = 50;
export const MAX_SECTION_TEXT = 3000;
export const MAX_FIELDS = 10;
export const MAX_FIELD_TEXT = 2000;
export const MAX_HEADER_TEXT = 150;
export const MAX_CONTEXT_ELEMENTS = 10;
/** Slack truncates a message's top-level text past 40,000 characters; stay well below. */
export const MAX_FALLBACK_TEXT = 3000;

/** A message as the renderers produce it: blocks plus the notification/screen-reader text. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** Escape the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Cut text to `max` characters, ending with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Join lines into as few section texts as fit in MAX_SECTION_TEXT, never splitting a line.
 * Long lists become several sections instead of one that Slack would reject.
 */
export function packLines(lines: readonly string[], max = MAX_SECTION_TEXT): string[] {
  const chunks: string[] = [];
  let current = "";
  for (const raw of lines) {
    const line = clip(raw, max);
    if (current && current.length + 1 + line.length > max) {
      chunks.push(current);
      current = line;
    } else current = current ? `${current}\n${line}` : line;
  }
  if (current) chunks.push(current);
  return chunks;
}

/** Every way a message breaks Block Kit's limits; empty when it is fine. */
export function limitViolations(message: SlackMessage): string[] {
  const problems: string[] = [];
  if (!message.text.trim()) problems.push("empty fallback text");
  if (message.text.length > MAX_FALLBACK_TEXT) problems.push("fallback text too long");
  if (message.blocks.length > MAX_BLOCKS) problems.push(`${message.blocks.length} blocks`);
  message.blocks.forEach((block, i) => {
    if (block.type === "header" && block.text.text.length > MAX_HEADER_TEXT) {
      problems.push(`block ${i}: header of ${block.text.text.length} chars`);
    }
    if (block.type === "section") {
      if (block.text && block.text.text.length > MAX_SECTION_TEXT) {
        problems.push(`block ${i}: section text of ${block.text.text.length} chars`);
      }
      if (block.fields && block.fields.length > MAX_FIELDS) {
        problems.push(`block ${i}: ${block.fields.length} fields`);
      }
      for (const field of block.fields ?? []) {
        if (field.text.length > MAX_FIELD_TEXT) problems.push(`block ${i}: a field too long`);
      }
      if (!block.text && !block.fields?.length) problems.push(`block ${i}: empty section`);
    }
    if (block.type === "context" && block.elements.length > MAX_CONTEXT_ELEMENTS) {
      problems.push(`block ${i}: ${block.elements.length} context elements`);
    }
  });
  problems.push(...tableViolations(message.blocks));
  return problems;
}

/** Keep at most MAX_BLOCKS, replacing the tail with a note (renderers plan below the limit). */
export function capBlocks(blocks: KnownBlock[]): KnownBlock[] {
  if (blocks.length <= MAX_BLOCKS) return blocks;
  return [
    ...blocks.slice(0, MAX_BLOCKS - 1),
    {
      type: "context",
      elements: [{ type: "mrkdwn", text: "_(shortened to fit in one message)_" }],
    },
  ];
}

/** A modal's or Home tab's limits (api.slack.com/reference/surfaces/views, and each element's). */
export const MAX_VIEW_BLOCKS = 100;
/** The parts of a modal or Home tab view that have limits. */
export interface ViewToCheck {
  blocks: readonly KnownBlock[];
  title?: { text: string } | undefined;
  submit?: { text: string } | undefined;
  close?: { text: string } | undefined;
  private_metadata?: string | undefined;
  callback_id?: string | undefined;
}

/** Every way a view (modal or Home tab) breaks Block Kit's limits; empty when it is fine. */
export function viewViolations(view: ViewToCheck): string[] {
  const problems: string[] = [];
  if (view.blocks.length > MAX_VIEW_BLOCKS) problems.push(`${view.blocks.length} blocks`);
  for (const key of ["title", "submit", "close"] as const) {
    const text = view[key]?.text;
    if (text !== undefined && text.length > 24) problems.push(`${key} of ${text.length} chars`);
  }
  if (typeof view.private_metadata === "string" && view.private_metadata.length > 3000)
    problems.push("private_metadata too long");
  if (typeof view.callback_id === "string" && view.callback_id.length > 255)
    problems.push("callback_id too long");
  const blockIds = new Set<string>();
  view.blocks.forEach((block, i) => {
    const at = `block ${i}`;
    if (block.block_id !== undefined) {
      if (block.block_id.length > 255) problems.push(`${at}: block_id too long`);
      if (blockIds.has(block.block_id)) problems.push(`${at}: block_id ${block.block_id} twice`);
      blockIds.add(block.block_id);
    }
    if (block.type === "section" && block.text && block.text.text.length > MAX_SECTION_TEXT)
      problems.push(`${at}: section text of ${block.text.text.length} chars`);
    if (block.type === "header" && block.text.text.length > MAX_HEADER_TEXT)
      problems.push(`${at}: header of ${block.text.text.length} chars`);
    if (block.type === "input") {
      if (block.label.text.length > 2000) problems.push(`${at}: label too long`);
      if (block.hint && block.hint.text.length > 2000) problems.push(`${at}: hint too long`);
    }
    if (block.type === "context" && block.elements.length > MAX_CONTEXT_ELEMENTS)
      problems.push(`${at}: ${block.elements.length} context elements`);
    const elements: unknown[] =
      block.type === "section"
        ? block.accessory
          ? [block.accessory]
          : []
        : block.type === "input"
          ? [block.element]
          : block.type === "actions"
            ? block.elements
            : [];
    for (const element of elements) problems.push(...elementViolations(element, at));
  });
  return problems;
}

/** An interactive element's limits: texts, values, options, confirm dialogs. */
function elementViolations(raw: unknown, at: string): string[] {
  const problems: string[] = [];
  const e = raw as {
    type: string;
    action_id?: string;
    text?: { text: string };
    value?: string;
    placeholder?: { text: string };
    options?: { text: { text: string }; value: string }[];
    confirm?: {
      title: { text: string };
      text: { text: string };
      confirm: { text: string };
      deny: { text: string };
    };
  };
  if (e.action_id && e.action_id.length > 255) problems.push(`${at}: action_id too long`);
  if (e.type === "button") {
    if ((e.text?.text.length ?? 0) > 75) problems.push(`${at}: button text too long`);
    if ((e.value?.length ?? 0) > 2000) problems.push(`${at}: button value too long`);
  }
  if ((e.placeholder?.text.length ?? 0) > 150) problems.push(`${at}: placeholder too long`);
  if (e.options) {
    if (e.options.length > 100) problems.push(`${at}: ${e.options.length} options`);
    if (e.options.length === 0) problems.push(`${at}: a select without options`);
    for (const o of e.options) {
      if (o.text.text.length > 75) problems.push(`${at}: option text too long`);
      if (o.value.length > 150) problems.push(`${at}: option value too long`);
    }
  }
  if (e.confirm) {
    if (e.confirm.title.text.length > 100) problems.push(`${at}: confirm title too long`);
    if (e.confirm.text.text.length > 300) problems.push(`${at}: confirm text too long`);
    if (e.confirm.confirm.text.length > 30 || e.confirm.deny.text.length > 30)
      problems.push(`${at}: confirm buttons too long`);
  }
  return problems;
}
