// The did-you-mean suggestions: nearest first, one name per object.
import { describe, expect, it } from "vitest";
import { closest, didYouMean } from "./suggest.js";

describe("didYouMean", () => {
  it("suggests the nearest names first", () => {
    expect(closest("reviewr", ["Developer", "reviewer", "reviewers"])).toEqual(["reviewer", "reviewers"]);
  });
  it("names an object with a slug and a name once, by the nearer of the two", () => {
    const orgs = [
      ["engineering-team", "Engineering Team"],
      ["platform", "Platform"],
    ];
    expect(didYouMean("Engineering Teem", orgs)).toBe(' Did you mean "Engineering Team"?');
    expect(didYouMean("enginering-team", orgs)).toBe(' Did you mean "engineering-team"?');
  });
  it("says nothing when no name is close", () => {
    expect(didYouMean("zzz", ["alpha", "beta"])).toBe("");
  });
});
