import { CADENCES, type Cadence } from "../../store/subscriptions.js";
import { closest } from "./suggest.js";

/*
 * `subscribe …` and `unsubscribe …` → which channel, digest, team and time. Pure. Channels arrive
 * escaped (`<#C123|general>`, the manifest's should_escape); a bare `#general` is plain text Slack
 * did not resolve, so it is answered with how to pick the channel instead of a guess.
 */

/** A channel as Slack escapes it: its id, and the name it showed when there was one. */
export interface ChannelRef {
  id: string;
  name?: string | undefined;
}

export type SubscriptionCommand =
  | {
      kind: "subscribe";
      /** Undefined: the channel the command was typed in. */
      channel: ChannelRef | undefined;
      cadence: Cadence;
      /** A team's name or @handle as typed; undefined for the whole org. */
      team: string | undefined;
      /** HH:MM; undefined for the default. */
      time: string | undefined;
      /** IANA zone of `time` (`at 09:30 Europe/London`); undefined for DIGEST_TIMEZONE. */
      timeZone: string | undefined;
    }
  | {
      kind: "unsubscribe";
      channel: ChannelRef | undefined;
      /** Undefined: every cadence of that team's (or the org's) digests in the channel. */
      cadence: Cadence | undefined;
      team: string | undefined;
    }
  | { kind: "subscriptions" }
  | { kind: "settings" };

export type SubscriptionParse =
  | SubscriptionCommand
  | { kind: "help"; problem?: string | undefined; suggestion?: string | undefined };

const CHANNEL = /^<#([CG][A-Z0-9]+)(?:\|([^>]*))?>$/;
const TIME = /^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$/i;
/** Words that mean the whole org rather than a team. */
const ORG_WORDS = new Set(["org", "everyone", "all", "company"]);

/** `subscribe` or `unsubscribe` (`verb`) and the words after it, split on spaces. */
export function parseSubscribe(
  verb: "subscribe" | "unsubscribe",
  words: readonly string[],
): SubscriptionParse {
  const channels: ChannelRef[] = [];
  const rest: string[] = [];
  for (const word of words) {
    const escaped = CHANNEL.exec(word);
    if (escaped?.[1]) channels.push({ id: escaped[1], name: escaped[2] || undefined });
    else if (/^#[\w.-]+$/.test(word)) {
      return {
        kind: "help",
        problem: `I can't tell which channel "${word}" is. Pick it from the list Slack shows as you type # (it turns blue), or run \`${verb} …\` in that channel.`,
      };
    } else rest.push(word);
  }
  if (channels.length > 1) {
    return { kind: "help", problem: `One channel at a time: \`${verb} #channel daily\`.` };
  }
  const channel = channels[0];

  let time: string | undefined;
  let timeZone: string | undefined;
  if (verb === "subscribe") {
    const at = rest.findIndex((w) => w.toLowerCase() === "at");
    if (at >= 0) {
      const words = rest.slice(at + 1);
      // `at 09:30 Europe/London`: a last word that is not part of the time is its zone.
      const last = words.at(-1);
      if (words.length > 1 && last && !/^(am|pm)$/i.test(last)) {
        timeZone = canonicalZone(last);
        if (!timeZone) {
          return {
            kind: "help",
            problem: `I don't know the time zone "${last}": use a name like \`Europe/London\`, \`America/New_York\` or \`UTC\`.`,
          };
        }
        words.pop();
      }
      const typed = words.join(" ");
      time = readTime(typed);
      if (!time) {
        return {
          kind: "help",
          problem: `"${typed || "at"}" is not a time I can read: use 24-hour HH:MM, like \`at 09:30\`.`,
        };
      }
      rest.splice(at);
    }
  }

  const [first, ...teamWords] = rest;
  const cadence = first ? readCadence(first) : undefined;
  if (verb === "subscribe" && !cadence) {
    const meant = first ? closest(first, CADENCE_WORDS.keys()) : undefined;
    if (first && meant) {
      const fixed = [verb, ...(channel ? [channelText(channel)] : []), CADENCE_WORDS.get(meant)];
      return {
        kind: "help",
        problem: `I don't know "${first}".`,
        suggestion: [
          ...fixed,
          ...teamWords,
          ...(time ? ["at", time, ...(timeZone ? [timeZone] : [])] : []),
        ].join(" "),
      };
    }
    return {
      kind: "help",
      problem: `Which digest? \`subscribe daily\`, \`subscribe weekly\` or \`subscribe monthly\`, in the channel that should get it; a team and a time may follow (\`subscribe weekly backend at 09:30\`).`,
    };
  }
  const teamText = (cadence ? teamWords : rest).join(" ").replace(/^["'“”]+|["'“”]+$/g, "");
  const team = teamText && !ORG_WORDS.has(teamText.toLowerCase()) ? teamText : undefined;
  if (verb === "unsubscribe") {
    // `unsubscribe dialy` is a typo, not a team called "dialy".
    if (!cadence && first && rest.length === 1) {
      const meant = closest(first, CADENCE_WORDS.keys());
      if (meant) {
        const fixed = [verb, ...(channel ? [channelText(channel)] : []), CADENCE_WORDS.get(meant)];
        return {
          kind: "help",
          problem: `I don't know "${first}".`,
          suggestion: fixed.join(" "),
        };
      }
    }
    return { kind: "unsubscribe", channel, cadence, team };
  }
  return { kind: "subscribe", channel, cadence: cadence as Cadence, team, time, timeZone };
}

/** Each word read as a cadence. */
const CADENCE_WORDS = new Map<string, Cadence>([
  ...CADENCES.map((c) => [c, c] as const),
  ["day", "daily"],
  ["week", "weekly"],
  ["month", "monthly"],
]);

function readCadence(word: string): Cadence | undefined {
  return CADENCE_WORDS.get(word.toLowerCase());
}

/** The zone as IANA spells it ("europe/london" → "Europe/London"), or undefined if unknown. */
function canonicalZone(text: string): string | undefined {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: text }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** "9", "9:30", "09:30", "9am", "5:15pm" → "HH:MM"; undefined when it is not a time of day. */
export function readTime(text: string): string | undefined {
  const match = TIME.exec(text.trim());
  if (!match) return undefined;
  let hour = Number(match[1]);
  const minute = Number(match[2] ?? "0");
  const half = match[3]?.toLowerCase();
  if (half) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (half === "pm" ? 12 : 0);
  }
  if (hour > 23 || minute > 59) return undefined;
  return `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;
}

function channelText(channel: ChannelRef): string {
  return channel.name ? `#${channel.name}` : `<#${channel.id}>`;
}
