import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";

/*
 * The layers of docs/ARCHITECTURE.md, checked on the sources: no import runs up a floor, and no
 * files import each other (directly or round a longer loop).
 */

const SRC = new URL("../src/", import.meta.url).pathname;

/** Each top-level folder (or file) of src/ and its floor; an import may only go down or across. */
const FLOORS: Record<string, number> = {
  "scrub.ts": 0,
  "version.ts": 0,
  "log.ts": 0,
  anthropic: 1,
  usage: 2,
  demo: 2,
  render: 3,
  store: 3,
  loading: 4,
  reports: 5,
  slack: 6,
  schedule: 7,
  app: 8,
  cli: 9,
  "main.ts": 9,
  "cli.ts": 10,
};

/** Pure code: no I/O, so no Node I/O modules, no clients, no database. */
const PURE = ["usage", "render"];
const IO_MODULES =
  /^(node:)?(fs|fs\/promises|net|http|https|child_process|worker_threads)$|^(undici|pg|better-sqlite3|kysely|@slack\/)/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|mjs)$/.test(entry.name) ? [path] : [];
  });
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)(\s+type)?[^"';]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

interface SourceFile {
  path: string;
  /** Relative imports resolved to src-relative .ts paths; bare ones as written. */
  local: string[];
  /** Packages whose code runs here (type-only imports leave nothing behind). */
  packages: string[];
}

function read(path: string): SourceFile {
  const text = readFileSync(path, "utf8");
  const local: string[] = [];
  const packages: string[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const spec = match[2] ?? match[3] ?? "";
    if (spec.startsWith(".")) {
      const target = normalize(join(dirname(path), spec)).replace(/\.js$/, ".ts");
      local.push(relative(SRC, target));
    } else if (!match[1]) packages.push(spec);
  }
  return { path: relative(SRC, path), local, packages };
}

const files = sources(SRC).map(read);
const top = (path: string) => path.split("/")[0] ?? path;

describe("architecture", () => {
  it("reads the imports (a check that finds nothing must not pass for want of reading)", () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.find((f) => f.path === "main.ts")?.local).toContain("app/runtime.ts");
    expect(files.find((f) => f.path === "render/blocks/help.ts")?.packages).toEqual([]);
  });

  it("every top-level part of src/ has a floor", () => {
    const unknown = [...new Set(files.map((f) => top(f.path)))].filter((t) => !(t in FLOORS));
    expect(unknown).toEqual([]);
  });

  it("no import runs up a floor", () => {
    const upward = files.flatMap((f) =>
      f.local
        .filter((target) => (FLOORS[top(target)] ?? 99) > (FLOORS[top(f.path)] ?? -1))
        .map((target) => `${f.path} → ${target}`),
    );
    expect(upward).toEqual([]);
  });

  it("no files import each other, directly or round a loop", () => {
    const graph = new Map(files.map((f) => [f.path, f.local]));
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const stack: string[] = [];
    const visit = (node: string) => {
      state.set(node, "open");
      stack.push(node);
      for (const next of graph.get(node) ?? []) {
        if (state.get(next) === "open")
          cycles.push([...stack.slice(stack.indexOf(next)), next].join(" → "));
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(node, "done");
    };
    for (const node of graph.keys()) if (!state.has(node)) visit(node);
    expect(cycles).toEqual([]);
  });

  it("pure code (usage/, render/) does no I/O", () => {
    const impure = files
      .filter((f) => PURE.includes(top(f.path)))
      .flatMap((f) => f.packages.filter((p) => IO_MODULES.test(p)).map((p) => `${f.path} → ${p}`));
    expect(impure).toEqual([]);
  });

  it("only src/app/ reads the configuration", () => {
    const readers = files
      .filter(
        (f) =>
          f.local.includes("app/config.ts") && !["app", "cli", "main.ts"].includes(top(f.path)),
      )
      .map((f) => f.path);
    expect(readers).toEqual([]);
  });
});
