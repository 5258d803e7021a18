import { describe, expect, it } from "vitest";
import { closest, editDistance } from "../../src/slack/commands/suggest.js";

describe("editDistance", () => {
  it.each([
    ["top", "top", 0],
    ["tpo", "top", 1], // a swap is one edit
    ["modles", "models", 1],
    ["sesions", "sessions", 1],
    ["", "dm", 2],
    ["kitten", "sitting", 3],
  ])("%j → %j is %i", (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe("closest", () => {
  const words = ["help", "me", "models", "top", "dm"];

  it("finds a typo's word, case-insensitively, and nothing for a different word", () => {
    expect(closest("TPO", words)).toBe("top");
    expect(closest("modells", words)).toBe("models");
    expect(closest("xyzzy", words)).toBeUndefined();
    expect(closest("", words)).toBeUndefined();
  });

  it("allows one edit in short words, two in longer ones", () => {
    expect(closest("hepl", words)).toBe("help");
    expect(closest("hlpe", words)).toBeUndefined(); // two edits from a four-letter word
    expect(closest("mdoesl", words)).toBe("models");
  });
});
