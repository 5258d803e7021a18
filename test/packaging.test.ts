import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

/* No Docker engine here: check what can be checked without one. */

const root = new URL("../", import.meta.url).pathname;
const dockerfile = readFileSync(`${root}Dockerfile`, "utf8");
const pkg = JSON.parse(readFileSync(`${root}package.json`, "utf8"));

describe("Dockerfile", () => {
  it("copies only files that exist", () => {
    const copies = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) =>
      (m[1] ?? "").split(/\s+/),
    );
    expect(copies.length).toBeGreaterThan(3);
    for (const file of copies) expect(existsSync(`${root}${file}`), file).toBe(true);
  });

  it("is multi-stage, Node 22 slim, production deps only, non-root, with a health check", () => {
    expect(dockerfile.match(/^FROM node:22-bookworm-slim/gm)).toHaveLength(2);
    expect(dockerfile).toContain("npm prune --omit=dev");
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n.*\/healthz/m);
  });

  it("runs what `npm run start:prod` runs, which the build produces", () => {
    expect(dockerfile).toContain('CMD ["node", "dist/main.js"]');
    expect(pkg.scripts["start:prod"]).toBe("node dist/main.js");
    expect(existsSync(`${root}src/main.ts`)).toBe(true);
  });
});

describe("compose.yaml", () => {
  it("runs replicas on one PostgreSQL store", () => {
    const compose = parse(readFileSync(`${root}compose.yaml`, "utf8"));
    expect(compose.services.app.environment.DATABASE_URL).toMatch(/^postgres:\/\/.*@db:5432\//);
    expect(compose.services.app.deploy.replicas).toBeGreaterThan(1);
    expect(compose.services.db.image).toMatch(/^postgres:/);
  });
});
