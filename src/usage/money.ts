import { z } from "zod";

/*
 * Money, in two units that the types keep apart (branded, as ccusage's _types.ts brands its ids).
 * The API sends estimated costs in US cents, possibly fractional (schema.ts reads strings and
 * numbers alike). They are summed as whole micro-dollars so that 0.1 + 0.2 cents stays 0.3 cents,
 * exactly, and leave the aggregates in cents: reports, alerts and every renderer hold Cents. The
 * functions here are the only ways from one unit to the other.
 */

/** Millionths of a US dollar, whole: what aggregates sum costs in. */
export const microsSchema = z.number().brand<"Micros">();
export type Micros = z.infer<typeof microsSchema>;

/** US cents, possibly fractional: what reports, alerts and renderers hold. */
export const centsSchema = z.number().brand<"Cents">();
export type Cents = z.infer<typeof centsSchema>;

export const MICROS_PER_CENT = 10_000;
export const NO_MICROS = 0 as Micros;
export const NO_CENTS = 0 as Cents;

/** An API cost (cents, possibly fractional) as whole µ$. */
export const centsToMicros = (apiCents: number): Micros =>
  Math.round(apiCents * MICROS_PER_CENT) as Micros;

/** µ$ as they are kept in a compact row (a Float64Array of sums of Micros). */
export const storedMicros = (value: number): Micros => value as Micros;

export const microsToCents = (micros: Micros): Cents => (micros / MICROS_PER_CENT) as Cents;

/** A setting in US dollars (budgets, floors) as whole cents. */
export const usdToCents = (usd: number): Cents => Math.round(usd * 100) as Cents;

/** An amount worked out from amounts in cents (a projection, a median, a share of one). */
export const cents = (value: number): Cents => value as Cents;

export const addMicros = (a: Micros, b: Micros): Micros => (a + b) as Micros;
export const addCents = (a: Cents, b: Cents): Cents => (a + b) as Cents;
export const sumCents = (values: Iterable<Cents>): Cents => {
  let sum = 0;
  for (const v of values) sum += v;
  return sum as Cents;
};
