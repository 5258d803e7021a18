/*
 * Money. The API sends estimated costs in US cents, possibly fractional. They are summed as
 * integers in micro-dollars (1 cent = 10,000 µ$) so that 0.1 + 0.2 cents stays 0.3 cents, exactly,
 * and reach reports and renderers in cents.
 */

/** Millionths of a US dollar. The API's cents × 10,000. */
export type Micros = number;
export const MICROS_PER_CENT = 10_000;

export const centsToMicros = (cents: number): Micros => Math.round(cents * MICROS_PER_CENT);
export const microsToCents = (micros: Micros): number => micros / MICROS_PER_CENT;
/** A setting in US dollars (budgets, floors) as whole cents. */
export const usdToCents = (usd: number): number => Math.round(usd * 100);
