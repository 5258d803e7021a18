import type { KnownBlock } from "@slack/web-api";
import { cellText, type TableCell } from "../../src/render/blocks/table.js";

/**
 * Blocks as a test reads them: JSON, except that a table becomes its rows as a person reads
 * them, cells two spaces apart ("🥇 <@U1>  $142.10  31  4.1k").
 */
export function readBlocks(blocks: readonly KnownBlock[] | unknown): string {
  return (Array.isArray(blocks) ? (blocks as KnownBlock[]) : [])
    .map((block) =>
      block.type === "table"
        ? block.rows.map((row) => (row as TableCell[]).map(cellText).join("  ")).join("\n")
        : JSON.stringify(block),
    )
    .join("\n");
}
