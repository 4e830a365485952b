import { describe, expect, it } from "vitest";
import { jsonObject } from "./input.js";

describe("jsonObject", () => {
  it("reads an inline JSON object", () => {
    expect(jsonObject('{"environment":"production"}', "data")).toEqual({ environment: "production" });
  });

  it("refuses a NUL byte spelled in the JSON, naming the flag and the field", () => {
    expect(() => jsonObject('{"pr":{"title":"a\\u0000b"}}', "data")).toThrow(
      expect.objectContaining({ code: "input.invalid", param: "--data.pr.title" }),
    );
  });
});
