// Issue 22 item 7: `npm ci` warns EBADENGINE for cookie@2.0.2 (it asks for Node >= 22), which Fastify's
// light-my-request uses to encode the cookies of `app.inject()`. This runs that code path on the machine's Node
// (20 on this project's machines and CI), so the warning is shown to be about a declared range, not a failure.
import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { systemClock } from "../src/clock.js";
import { createRuntime } from "../src/context.js";
import { buildApp } from "../src/http/app.js";
import { openStore } from "../src/store/index.js";

describe(`Node ${process.versions.node}: cookie@2.0.2 through light-my-request`, () => {
  it("encodes injected cookies (name, value needing encoding) into the Cookie header a route reads", async () => {
    const app = Fastify();
    app.get("/echo", async (request) => ({ cookie: request.headers.cookie ?? null }));
    const response = await app.inject({
      method: "GET",
      url: "/echo",
      cookies: { __session: "a b;c", theme: "dark" },
    });
    expect(response.json()).toEqual({ cookie: "__session=a%20b%3Bc; theme=dark" });
    await app.close();
  });

  it("clerk's own app answers an injected request carrying a session cookie (refused as unknown, not crashed)", async () => {
    const store = await openStore(":memory:");
    const app = await buildApp({ store, clock: systemClock, runtime: createRuntime() });
    const response = await app.inject({ method: "GET", url: "/v1/organizations", cookies: { __session: "nope" } });
    expect(response.statusCode).toBe(401);
    await app.close();
    await store.close();
  });
});
