import type { FastifyRequest } from "fastify";
import { describe, expect, it } from "vitest";
import { EngineInputError } from "../engine/index.js";
import { toClerkError } from "./error-handler.js";

const request = { log: { error: () => undefined } } as unknown as FastifyRequest;

describe("the HTTP error boundary", () => {
  it("turns an engine input error that no service wrapped into input.invalid (422), not a 500", () => {
    const error = toClerkError(new EngineInputError('Scope "x" has no type.'), request);
    expect(error.code).toBe("input.invalid");
    expect(error.spec.status).toBe(422);
    expect(error.message).toBe('Scope "x" has no type.');
  });

  it("keeps anything unknown an internal error whose message shows nothing of it", () => {
    const error = toClerkError(new RangeError("secret detail"), request);
    expect(error.code).toBe("internal");
    expect(error.message).not.toContain("secret detail");
  });
});
