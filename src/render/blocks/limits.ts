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
