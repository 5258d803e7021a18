/*
 * Secret scrubbing for anything that may be written or shown: log lines, CLI errors, upstream
 * error text. An upstream that echoes a secret rarely echoes it exactly (a prefix, a different
 * case, base64 inside a "Basic"/"Bearer" header), so a configured secret is matched by any run of
 * MIN_RUN characters of it or of its base64, case-insensitively. Lookups are 12-character
 * windows in a hash set built once (createScrubber), so a line costs one set lookup per character.
 */

export const REDACTED = "[redacted]";

/** A run this long of a secret counts as the secret; shorter fragments are ordinary text. */
export const MIN_RUN = 12;
/** Shorter secrets are only matched exactly, and not at all below this (they are ordinary words). */
const MIN_EXACT = 8;

/** Credentials recognised by their shape, even if not configured here. */
const SECRET_SHAPES = [
  /sk-ant-[A-Za-z0-9_-]{8,}/g,
  /xox[abposr]-[A-Za-z0-9-]{8,}/g,
  /xapp-[A-Za-z0-9-]{8,}/g,
];

/**
 * The password of a URL: `scheme://user:password@host`. The password runs to the last "@" of the
 * authority (people write unencoded "@"s); quotes and backslashes end it, as the URL may sit
 * inside a JSON string. The scheme starts where a run of scheme characters starts (not at any
 * \b), so a long run of them is tried once, not once per character.
 */
const URL_PASSWORD = /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@"'<>\\]*:)[^\s/?#"'<>\\]+@/gi;

/**
 * Public prefixes of credentials ("sk-ant-admin01-"): a run made only of one is ordinary text
 * (our own help says "sk-ant-admin…"), but it is redacted along with the secret part next to it.
 */
const PUBLIC_PREFIX = /^(?:sk-ant-[a-z]+\d*-|xox[a-z]-|xapp-\d+-)/i;

export type Scrubber = (text: string) => string;

/** A scrubber for these secrets; build it once and reuse it (log lines go through it). */
export function createScrubber(secrets: readonly (string | undefined)[] = []): Scrubber {
  const values = [...new Set(secrets.filter((s): s is string => !!s))];
  const exact = values.filter((s) => s.length >= MIN_EXACT && s.length < MIN_RUN);
  const grams = gramTable(values.filter((s) => s.length >= MIN_RUN));
  return (text) => {
    let out = text.replace(URL_PASSWORD, `$1${REDACTED}@`);
    if (grams.size > 0) out = redactRuns(out, grams);
    for (const secret of exact) out = out.split(secret).join(REDACTED);
    for (const shape of SECRET_SHAPES) out = out.replace(shape, REDACTED);
    return out;
  };
}

/** Replace every secret (runs of configured ones, credential shapes, URL passwords) in a text. */
export function scrub(text: string, secrets: readonly (string | undefined)[] = []): string {
  return createScrubber(secrets)(text);
}

/** The password of a URL (as written, and percent-decoded), or nothing. Works on invalid URLs. */
export function urlPasswords(url: string | undefined): string[] {
  const match = url ? new RegExp(URL_PASSWORD.source, "i").exec(url) : null;
  if (!match) return [];
  const password = match[0].slice(match[1]?.length ?? 0, -1);
  let decoded = password;
  try {
    decoded = decodeURIComponent(password);
  } catch {
    // A stray "%": the password as written is all there is.
  }
  return decoded === password ? [password] : [password, decoded];
}

/**
 * Every MIN_RUN-character window of every form of the secrets, lower-cased, mapped to whether it
 * may start a match (false for windows inside a public prefix).
 */
function gramTable(secrets: readonly string[]): Map<string, boolean> {
  const table = new Map<string, boolean>();
  for (const secret of secrets) {
    const publicLength = PUBLIC_PREFIX.exec(secret)?.[0].length ?? 0;
    const plain = [secret, JSON.stringify(secret).slice(1, -1)];
    for (const form of plain) addGrams(table, form, publicLength);
    for (const cased of new Set([secret, secret.toLowerCase(), secret.toUpperCase()])) {
      for (const encoded of base64Forms(cased)) addGrams(table, encoded, 0);
    }
  }
  return table;
}

function addGrams(table: Map<string, boolean>, form: string, publicLength: number): void {
  const lower = lowerSameLength(form);
  for (let i = 0; i + MIN_RUN <= lower.length; i++) {
    const gram = lower.slice(i, i + MIN_RUN);
    table.set(gram, table.get(gram) === true || i + MIN_RUN > publicLength);
  }
}

/**
 * The base64 of a secret as it appears inside a longer encoded text: at each of the three byte
 * alignments, standard and URL-safe, keeping only the characters that depend on the secret alone.
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, "utf8");
  const forms: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const padded = Buffer.concat([Buffer.alloc(offset), bytes]);
    const encoded = padded.toString("base64");
    // Character j holds bits 6j..6j+5: the first ones mix in the zero bytes before, the last
    // one the zero bits after.
    const core = encoded.slice(Math.ceil((offset * 4) / 3), Math.floor((padded.length * 8) / 6));
    if (core.length < MIN_RUN) continue;
    forms.push(core, core.replaceAll("+", "-").replaceAll("/", "_"));
  }
  return forms;
}

/**
 * Every chain of overlapping windows found in the table becomes one REDACTED, if one of its
 * windows may start a match.
 */
function redactRuns(text: string, table: ReadonlyMap<string, boolean>): string {
  if (text.length < MIN_RUN) return text;
  const lower = lowerSameLength(text);
  const runs: [number, number][] = [];
  let start = -1;
  let end = -1;
  let seeded = false;
  for (let i = 0; i + MIN_RUN <= lower.length; i++) {
    const seed = table.get(lower.slice(i, i + MIN_RUN));
    if (seed === undefined) continue;
    if (i > end) {
      if (seeded) runs.push([start, end]);
      start = i;
      seeded = false;
    }
    end = i + MIN_RUN;
    seeded ||= seed;
  }
  if (seeded) runs.push([start, end]);
  if (runs.length === 0) return text;
  let out = "";
  let at = 0;
  for (const [from, to] of runs) {
    out += text.slice(at, from) + REDACTED;
    at = to;
  }
  return out + text.slice(at);
}

/** Lower case with indexes unchanged (a few non-ASCII letters change length when lower-cased). */
function lowerSameLength(text: string): string {
  const lower = text.toLowerCase();
  return lower.length === text.length ? lower : text.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}
