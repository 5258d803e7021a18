import type {
  KnownBlock,
  RawTextElement,
  RichTextBlock,
  RichTextElement,
  TableBlock,
} from "@slack/web-api";

/*
 * Slack's table block (docs.slack.dev/reference/block-kit/blocks/table-block), for leaderboards
 * and model lists with aligned numbers. Slack renders it in messages only — not in the Home tab
 * or modals — and takes one per message, of at most 100 rows of at most 20 cells, every cell
 * non-empty; more is refused (invalid_blocks / invalid_attachments). Renderers use it only when
 * asked (`tables`), and keep a mrkdwn list for everywhere else.
 */

export const MAX_TABLES = 1;
/** Rows, the header row included. */
export const MAX_TABLE_ROWS = 100;
export const MAX_TABLE_CELLS = 20;
/** Characters in all the cells of a message's tables together. */
export const MAX_TABLE_CHARS = 10_000;

export type TableCell = RawTextElement | RichTextBlock;

export interface Column {
  header: string;
  align?: "left" | "right";
  /** A long name wraps instead of pushing the numbers off a phone's screen. */
  wrap?: boolean;
}

/** A table of a header row and at most MAX_TABLE_ROWS − 1 rows (the caller says what is left). */
export function tableBlock(all: readonly Column[], rows: readonly TableCell[][]): TableBlock {
  const columns = all.slice(0, MAX_TABLE_CELLS);
  return {
    type: "table",
    column_settings: columns.map((c) => ({
      align: c.align ?? "left",
      ...(c.wrap ? { is_wrapped: true } : {}),
    })),
    rows: [
      columns.map((c) => textCell(c.header)),
      ...rows.slice(0, MAX_TABLE_ROWS - 1).map((row) => row.slice(0, MAX_TABLE_CELLS)),
    ],
  };
}

/** A plain cell; Slack refuses an empty one, so nothing shows as "–". */
export function textCell(text: string): RawTextElement {
  return { type: "raw_text", text: text.trim() === "" ? "–" : text };
}

/**
 * A cell from the mrkdwn a name is written in elsewhere (`<@U…>` and `<#C…>` mentions, `code`, *bold*,
 * escaped &, <, >), so that people are named the same way in a table as in the text beside it.
 */
export function mrkdwnCell(mrkdwn: string): RichTextBlock {
  const elements: RichTextElement[] = [];
  const token =
    /<@([UW][A-Z0-9]+)(?:\|[^>]*)?>|`([^`]+)`|\*([^*\s][^*]*)\*|<#([CG][A-Z0-9]+)(?:\|[^>]*)?>/g;
  let at = 0;
  const text = (raw: string, style?: { code?: boolean; bold?: boolean }) => {
    const plain = unescapeMrkdwn(raw);
    if (plain)
      elements.push(style ? { type: "text", text: plain, style } : { type: "text", text: plain });
  };
  for (const match of mrkdwn.matchAll(token)) {
    text(mrkdwn.slice(at, match.index));
    if (match[1]) elements.push({ type: "user", user_id: match[1] });
    else if (match[2] !== undefined) text(match[2], { code: true });
    else if (match[3] !== undefined) text(match[3], { bold: true });
    else if (match[4]) elements.push({ type: "channel", channel_id: match[4] });
    at = match.index + match[0].length;
  }
  text(mrkdwn.slice(at));
  if (elements.length === 0) elements.push({ type: "text", text: "–" });
  return { type: "rich_text", elements: [{ type: "rich_text_section", elements }] };
}

function unescapeMrkdwn(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** What a person reads in a cell, for tests and for counting characters. */
export function cellText(cell: TableCell): string {
  if (cell.type === "raw_text") return cell.text;
  const inline: RichTextElement[] = [];
  for (const part of cell.elements) {
    if (part.type === "rich_text_section") inline.push(...part.elements);
  }
  return inline
    .map((e) =>
      e.type === "text"
        ? e.text
        : e.type === "user"
          ? `<@${e.user_id}>`
          : e.type === "channel"
            ? `<#${e.channel_id}>`
            : "",
    )
    .join("");
}

/** Every way a message's tables break Slack's rules; empty when they are fine. */
export function tableViolations(blocks: readonly KnownBlock[]): string[] {
  const problems: string[] = [];
  const tables = blocks.filter((b): b is TableBlock => b.type === "table");
  if (tables.length > MAX_TABLES) problems.push(`${tables.length} tables in one message`);
  let chars = 0;
  for (const table of tables) {
    if (table.rows.length > MAX_TABLE_ROWS) problems.push(`a table of ${table.rows.length} rows`);
    const widths = new Set(table.rows.map((r) => r.length));
    if (widths.size > 1) problems.push("table rows of different lengths");
    if ((table.column_settings?.length ?? 0) > MAX_TABLE_CELLS) {
      problems.push("too many column settings");
    }
    for (const row of table.rows) {
      if (row.length > MAX_TABLE_CELLS) problems.push(`a table row of ${row.length} cells`);
      for (const cell of row as TableCell[]) {
        const text = cellText(cell);
        if (text.length === 0) problems.push("an empty table cell");
        chars += text.length;
      }
    }
  }
  if (chars > MAX_TABLE_CHARS) problems.push(`${chars} characters in table cells`);
  return problems;
}
