// A live clerk API for a test store, with an instance key and an official @clerk/backend client.
import { type ClerkClient, createClerkClient } from "@clerk/backend";
import type { FastifyInstance } from "fastify";
import { createKey } from "../../src/features/keys/index.js";
import { buildApp } from "../../src/http/app.js";
import type { TestStore } from "./store.js";

/** A running API: its address, an instance secret key, and an SDK client using it. */
export interface TestApi {
  app: FastifyInstance;
  url: string;
  secret: string;
  clerk: ClerkClient;
}

/** Starts the API on a free port over the test store (close `app` in afterEach). */
export async function startApi(
  t: TestStore,
  options: {
    rateLimitPerMinute?: number;
    authFailuresPerMinute?: number;
    resolveTxt?: (hostname: string) => Promise<string[][]>;
  } = {},
): Promise<TestApi> {
  const app = await buildApp({
    store: t.store,
    clock: t.clock,
    runtime: { caches: new Map() },
    rateLimitPerMinute: options.rateLimitPerMinute,
    authFailuresPerMinute: options.authFailuresPerMinute,
    resolveTxt: options.resolveTxt,
  });
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  const secret = (await createKey(t.ctx, { name: "test" })).secret;
  return { app, url, secret, clerk: createClerkClient({ secretKey: secret, apiUrl: url }) };
}

/** What @clerk/backend throws for a non-2xx answer, as far as the tests read it. */
export interface ApiError {
  status: number;
  errors: { code: string; meta?: { paramName?: string } }[];
}

/** Awaits a call that must fail and returns the SDK's error. */
export async function apiFailure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (error) {
    return error as ApiError;
  }
  throw new Error("expected the call to fail");
}
