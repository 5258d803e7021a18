import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Tests start real HTTP servers on 127.0.0.1; keep them apart from one another.
    pool: "forks",
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
