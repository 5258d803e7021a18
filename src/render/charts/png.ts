import { createRequire } from "node:module";
import { FONT_FAMILY } from "./svg.js";

/*
 * SVG → PNG with resvg (Rust, native, no browser). The only file of the charts that touches
 * the native module or the font files; the SVG builders stay pure.
 *
 * Fonts come from an npm package, never from the system: the Docker image has no fonts, and
 * the same font files everywhere make the PNG byte-identical on every machine.
 */

const require = createRequire(import.meta.url);

export const FONT_FILES: readonly string[] = [
  require.resolve("@expo-google-fonts/inter/400Regular/Inter_400Regular.ttf"),
  require.resolve("@expo-google-fonts/inter/700Bold/Inter_700Bold.ttf"),
];

/** Rendered pixels per SVG unit when no width is asked for: crisp on high-density screens. */
export const DEFAULT_SCALE = 2;

export interface PngOptions {
  /** Output width in pixels; the height follows the SVG's aspect ratio. Default: 2× the SVG. */
  width?: number;
}

/** Render an SVG string to PNG bytes, off the main thread (resvg's async render). */
export async function svgToPng(svg: string, options: PngOptions = {}): Promise<Buffer> {
  // Loaded on first use so a platform without the native binary only loses charts.
  const { renderAsync } = await import("@resvg/resvg-js");
  const image = await renderAsync(svg, {
    fitTo:
      options.width === undefined
        ? { mode: "zoom", value: DEFAULT_SCALE }
        : { mode: "width", value: options.width },
    font: {
      loadSystemFonts: false,
      fontFiles: [...FONT_FILES],
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
    shapeRendering: 2,
    textRendering: 1,
    logLevel: "off",
  });
  return image.asPng();
}
