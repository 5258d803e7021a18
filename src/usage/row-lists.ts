/*
 * Growable typed-array columns for actor rows (the day builder and the span merger): several
 * short lists, one per row, in shared typed arrays — an actor's terminals or per-model costs —
 * and typed arrays that double when full.
 */

export const NONE = -1;
export const INITIAL_ROWS = 256;

/** Several short lists (one per actor) in shared typed arrays: an actor's terminals or models. */
export class RowLists {
  heads = new Int32Array(INITIAL_ROWS).fill(NONE);
  tails = new Int32Array(INITIAL_ROWS).fill(NONE);
  ids = new Int32Array(INITIAL_ROWS);
  next = new Int32Array(INITIAL_ROWS);
  values = new Float64Array(INITIAL_ROWS);
  length = 0;

  growRows(rows: number): void {
    this.heads = grownInt32(this.heads, rows, NONE);
    this.tails = grownInt32(this.tails, rows, NONE);
  }

  /** The entry of `id` in `row`'s list, appended if new. Lists are 1–3 long in practice. */
  entry(row: number, id: number): number {
    for (let i = this.heads[row] as number; i !== NONE; i = this.next[i] as number) {
      if (this.ids[i] === id) return i;
    }
    const i = this.length++;
    if (i === this.ids.length) {
      this.ids = grownInt32(this.ids, i + 1, 0);
      this.next = grownInt32(this.next, i + 1, 0);
      this.values = grownFloat64(this.values, i + 1);
    }
    this.ids[i] = id;
    this.next[i] = NONE;
    this.values[i] = 0;
    const tail = this.tails[row] as number;
    if (tail === NONE) this.heads[row] = i;
    else this.next[tail] = i;
    this.tails[row] = i;
    return i;
  }

  /** CSR (offsets + ids, and values) for `rows` rows, each list in first-seen order. */
  toCsr(rows: number): { offsets: Uint32Array; ids: Uint32Array; values: Float64Array } {
    const offsets = new Uint32Array(rows + 1);
    const ids = new Uint32Array(this.length);
    const values = new Float64Array(this.length);
    let at = 0;
    for (let row = 0; row < rows; row++) {
      for (let i = this.heads[row] as number; i !== NONE; i = this.next[i] as number) {
        ids[at] = this.ids[i] as number;
        values[at] = this.values[i] as number;
        at++;
      }
      offsets[row + 1] = at;
    }
    return { offsets, ids, values };
  }
}

/* Typed arrays that double when full (amortised O(1) appends, few copies). */

function capacityFor(current: number, needed: number): number {
  let capacity = Math.max(current, 1);
  while (capacity < needed) capacity *= 2;
  return capacity;
}

export function grownInt32(
  array: Int32Array,
  needed: number,
  fill: number,
): Int32Array<ArrayBuffer> {
  const out = new Int32Array(capacityFor(array.length, needed));
  out.set(array);
  if (fill !== 0) out.fill(fill, array.length);
  return out;
}

export function grownFloat64(array: Float64Array, needed: number): Float64Array<ArrayBuffer> {
  const out = new Float64Array(capacityFor(array.length, needed));
  out.set(array);
  return out;
}

export function grownUint8(array: Uint8Array, needed: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(capacityFor(array.length, needed));
  out.set(array);
  return out;
}
