import { closest } from "../../usage/suggest.js";

/*
 * "Did you mean …?" for commands: the word matching lives in usage/suggest.ts (team names use it
 * too); periods keep their number here.
 */

export { closest, editDistance } from "../../usage/suggest.js";

/**
 * The named period a mistyped one was probably meant to be ("last 7 dyas" → "last 7 days"), with
 * its number kept; undefined when nothing is close.
 */
export function closestPeriod(text: string, named: Iterable<string>): string | undefined {
  const number = /\d+/.exec(text)?.[0];
  const shape = text.trim().toLowerCase().replace(/\s+/g, " ").replace(/\d+/, "N");
  const known = closest(shape, named);
  if (!known || known === shape) return undefined;
  if (known.includes("N")) return number === undefined ? undefined : known.replace("N", number);
  return known;
}
