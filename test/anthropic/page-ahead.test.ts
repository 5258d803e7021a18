import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { apiRecord } from "../../fakes/records.js";
import { createAdminClient, peekNextPage } from "../../src/anthropic/client.js";

describe("peekNextPage", () => {
  it("reads the cursor off the text, unescaped", () => {
    expect(peekNextPage('{"data":[],"has_more":true,"next_page":"p\\"2"}')).toBe('p"2');
    expect(peekNextPage('{"data":[], "next_page" : "abc", "has_more":true}')).toBe("abc");
  });
  it("has none when the page is the last or the text is not a page", () => {
    expect(peekNextPage('{"data":[],"has_more":false,"next_page":null}')).toBeUndefined();
    expect(peekNextPage('{"data":[],"has_more":false}')).toBeUndefined();
    expect(peekNextPage('{"next_page":""}')).toBeUndefined();
    expect(peekNextPage("not json")).toBeUndefined();
  });
});

describe("pages, one request ahead", () => {
  let server: Server | undefined;
  afterEach(
    () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
  );

  /** A server whose first page names its cursor before a record that looks like a cursor too. */
  async function serve(): Promise<{ url: string; asked: string[] }> {
    const asked: string[] = [];
    server = createServer((req, res) => {
      const page = new URL(req.url ?? "/", "http://x").searchParams.get("page") ?? "";
      asked.push(page);
      const record = apiRecord({ day: "2026-10-01" });
      const body =
        page === ""
          ? `{"has_more":true,"next_page":"real","data":[${JSON.stringify({ ...record, next_page: "decoy" })}]}`
          : page === "real"
            ? JSON.stringify({ data: [record], has_more: false, next_page: null })
            : JSON.stringify({ type: "error", error: { type: "not_found_error", message: "no" } });
      res.writeHead(page === "" || page === "real" ? 200 : 404, {
        "content-type": "application/json",
      });
      res.end(body);
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, asked };
  }

  it("drops a wrong guess and reads the page the parsed answer names", async () => {
    const { url, asked } = await serve();
    const client = createAdminClient({ adminKey: "sk-ant-admin01-test", baseUrl: url });
    const pages = [];
    for await (const page of client.pages("2026-10-01")) pages.push(page);
    await client.close();
    expect(pages).toHaveLength(2);
    expect(pages.map((p) => p.records.length)).toEqual([1, 1]);
    // The decoy may have been asked for ahead, its 404 never surfacing; the real page was read.
    expect(asked.slice(0, 1)).toEqual([""]);
    expect(asked).toContain("real");
  });
});
