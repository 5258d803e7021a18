/*
 * SVG building blocks for the charts: escaping, text measurement, truncation and the shared
 * look. Pure string work, so the chart builders can be tested without rendering anything.
 */

/** The font the PNG renderer bundles; the SVG names it so widths below match what is drawn. */
export const FONT_FAMILY = "Inter";

/*
 * Colours chosen for a white card: the PNG carries its own background, so it reads the same in
 * Slack's light and dark themes. Text colours meet WCAG AA on white.
 */
export const THEME = {
  background: "#ffffff",
  border: "#d0d4da",
  title: "#1d1c1d",
  text: "#3f4349",
  muted: "#616770",
  grid: "#e6e8eb",
  axis: "#9aa0a8",
  spend: "#3867d6",
  apiKey: "#8a5cd1",
  people: "#d9480f",
} as const;

type Attr = string | number | undefined;

/** Escape text for XML content and attribute values (names may contain <&>"'). */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => XML_ENTITIES[c] ?? c);
}

const XML_ENTITIES: Record<string, string> = {
  "<": "&lt;",
  ">": "&gt;",
  "&": "&amp;",
  '"': "&quot;",
  "'": "&apos;",
};

/** An element; `children` is raw markup (already escaped), attributes are escaped here. */
export function el(name: string, attrs: Record<string, Attr>, children?: string): string {
  const list = Object.entries(attrs)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(typeof v === "number" ? num(v) : v)}"`)
    .join("");
  return children === undefined ? `<${name}${list}/>` : `<${name}${list}>${children}</${name}>`;
}

/** A text element with escaped content. */
export function text(content: string, attrs: Record<string, Attr>): string {
  return el("text", attrs, escapeXml(content));
}

/** Numbers in attributes: at most two decimals, so output is short and stable. */
export function num(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/*
 * Advance widths of printable ASCII (U+0020..U+007E) in Inter, in thousandths of an em, read
 * from the bundled TTFs' hmtx tables. Estimating widths from the real font lets labels be
 * truncated and laid out without a text-layout engine.
 */
const REGULAR = [
  281, 288, 466, 633, 642, 982, 644, 300, 365, 365, 501, 662, 288, 460, 288, 360, 631, 407, 610,
  618, 646, 593, 620, 566, 619, 620, 288, 302, 662, 662, 662, 511, 966, 690, 654, 730, 722, 601,
  590, 746, 743, 269, 571, 672, 565, 903, 753, 765, 639, 765, 644, 642, 646, 744, 690, 985, 682,
  679, 629, 365, 360, 365, 471, 456, 323, 562, 612, 571, 612, 583, 370, 613, 591, 242, 242, 549,
  242, 876, 591, 600, 612, 612, 376, 528, 327, 591, 562, 818, 546, 562, 552, 426, 333, 426, 662,
];
const BOLD = [
  237, 338, 552, 649, 655, 1016, 672, 339, 377, 377, 559, 679, 334, 468, 334, 388, 674, 431, 630,
  646, 676, 622, 649, 582, 651, 649, 334, 343, 679, 679, 679, 560, 1016, 747, 662, 740, 722, 607,
  587, 750, 747, 281, 584, 719, 565, 932, 762, 771, 648, 777, 657, 655, 667, 732, 747, 1038, 738,
  731, 664, 377, 388, 377, 487, 476, 365, 581, 630, 588, 630, 596, 398, 632, 623, 271, 271, 580,
  271, 913, 623, 613, 630, 630, 407, 560, 366, 623, 600, 850, 580, 602, 573, 469, 372, 469, 679,
];
const ELLIPSIS = "…";

/** Estimated width in px of `content` at `size` px; non-ASCII is over-estimated, never under. */
export function textWidth(content: string, size: number, bold = false): number {
  const table = bold ? BOLD : REGULAR;
  let units = 0;
  for (const ch of content) {
    const code = ch.codePointAt(0) ?? 0;
    if (code >= 0x20 && code < 0x7f) units += table[code - 0x20] ?? 700;
    else if (ch === ELLIPSIS) units += bold ? 1002 : 864;
    // Wide scripts (CJK, emoji) take about an em; other letters about an "M".
    else units += code >= 0x1100 ? 1000 : 780;
  }
  return (units / 1000) * size;
}

/** Cut `content` to fit `maxWidth` px, ending with an ellipsis when cut. */
export function truncate(content: string, maxWidth: number, size: number, bold = false): string {
  if (textWidth(content, size, bold) <= maxWidth) return content;
  const chars = [...content];
  let lo = 0;
  let hi = chars.length;
  // The longest prefix that still fits with the ellipsis.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const candidate = `${chars.slice(0, mid).join("").trimEnd()}${ELLIPSIS}`;
    if (textWidth(candidate, size, bold) <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return `${chars.slice(0, lo).join("").trimEnd()}${ELLIPSIS}`;
}

export interface Frame {
  width: number;
  height: number;
  title: string;
  subtitle: string;
  /** Drawn inside the card, below the title block. */
  body: string;
  /** For screen readers that read the SVG itself. */
  description: string;
}

export const PAD = 24;
export const TITLE_SIZE = 20;
export const SUBTITLE_SIZE = 13;
/** y where chart content may begin, below title and subtitle. */
export const HEADER_BOTTOM = 76;

/** The card every chart is drawn on: opaque background, rounded border, title and subtitle. */
export function frame(f: Frame): string {
  const maxText = f.width - 2 * PAD;
  const parts = [
    el("title", {}, escapeXml(f.title)),
    el("desc", {}, escapeXml(f.description)),
    el("rect", {
      x: 0.5,
      y: 0.5,
      width: f.width - 1,
      height: f.height - 1,
      rx: 12,
      fill: THEME.background,
      stroke: THEME.border,
    }),
    text(truncate(f.title, maxText, TITLE_SIZE, true), {
      x: PAD,
      y: PAD + TITLE_SIZE - 4,
      "font-size": TITLE_SIZE,
      "font-weight": 700,
      fill: THEME.title,
    }),
    text(truncate(f.subtitle, maxText, SUBTITLE_SIZE), {
      x: PAD,
      y: PAD + TITLE_SIZE + 8 + SUBTITLE_SIZE,
      "font-size": SUBTITLE_SIZE,
      fill: THEME.muted,
    }),
    f.body,
  ];
  return `${el(
    "svg",
    {
      xmlns: "http://www.w3.org/2000/svg",
      width: f.width,
      height: f.height,
      viewBox: `0 0 ${f.width} ${f.height}`,
      "font-family": FONT_FAMILY,
      role: "img",
    },
    parts.join(""),
  )}\n`;
}

/** The centred message of a chart with nothing to draw. */
export function emptyMessage(message: string, width: number, height: number): string {
  return text(message, {
    x: width / 2,
    y: (HEADER_BOTTOM + height) / 2,
    "text-anchor": "middle",
    "font-size": 16,
    fill: THEME.muted,
  });
}
