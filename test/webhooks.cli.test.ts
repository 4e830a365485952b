// `clerk webhooks …` end to end in local mode: subscribe a receiver on loopback, test it, receive an event
// written by another command and delivered by `clerk notify dispatch` (verified with verifyWebhook), then remove it.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { type IncomingMessage, type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { verifyWebhook } from "@clerk/backend/webhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv } from "./helpers/cli.js";

const BIN = resolve("bin/clerk.js");
const run = promisify(execFile);

describe("clerk webhooks (local mode, SQLite)", () => {
  let dir: string;
  let server: Server;
  let url: string;
  const got: { headers: IncomingMessage["headers"]; body: string }[] = [];
  const clerk = async (...args: string[]) => {
    const { stdout } = await run(process.execPath, [BIN, ...args, "--format", "json"], {
      cwd: dir,
      env: childEnv(dir),
    });
    return JSON.parse(stdout) as Record<string, unknown>;
  };
  const failing = async (...args: string[]) =>
    run(process.execPath, [BIN, ...args], { cwd: dir, env: childEnv(dir) }).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "clerk-webhooks-cli-"));
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        got.push({ headers: req.headers, body });
        res.end();
      });
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/clerk`;
  });
  afterAll(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const request = (r: (typeof got)[number]) => {
    const headers = new Headers();
    for (const [k, v] of Object.entries(r.headers)) if (typeof v === "string") headers.set(k, v);
    return new Request(url, { method: "POST", headers, body: r.body });
  };

  it("adds, tests, delivers, lists and removes an endpoint", async () => {
    const added = await clerk(
      "webhooks",
      "add",
      "--url",
      url,
      "--events",
      "organization.*,organizationMembership.created",
      "--allow-insecure",
      "true",
    );
    expect(added).toMatchObject({ object: "webhook_endpoint", url, enabled: true });
    const secret = added.signing_secret as string;
    const id = added.id as string;

    expect(await clerk("webhooks", "test", id)).toMatchObject({ delivered: true, status_code: 200 });
    await expect(
      verifyWebhook(request(got[0] as (typeof got)[number]), { signingSecret: secret }),
    ).resolves.toMatchObject({ type: "webhook.test" });

    await clerk("org", "create", "--name", "Engineering Team");
    expect(await clerk("notify", "dispatch")).toMatchObject({ delivered: 1 });
    const event = await verifyWebhook(request(got[1] as (typeof got)[number]), { signingSecret: secret });
    expect(event).toMatchObject({ type: "organization.created", data: { slug: "engineering-team" } });

    expect(await clerk("webhooks", "list")).toEqual([expect.objectContaining({ id, url })]);
    const bad = await failing(
      "webhooks",
      "add",
      "--url",
      url,
      "--events",
      "user.signed_in",
      "--allow-insecure",
      "true",
    );
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/"user.signed_in" is not an event type/);

    expect(await clerk("webhooks", "remove", id)).toMatchObject({ id, deleted: true });
    expect(await clerk("webhooks", "list")).toEqual([]);
  });
});
