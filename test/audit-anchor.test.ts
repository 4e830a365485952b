// Anchoring a checkpoint outside the database (issue 25, item 10): its hash is queued to a webhook in the
// checkpoint's own transaction, delivered by the dispatcher to a real receiver, and verify checks it later.
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkpointAndSend } from "../src/features/audit/audit.anchor.js";
import { verifyAudit } from "../src/features/audit/audit.verify.js";
import { configureProvider, dispatchNotifications } from "../src/features/notifications/index.js";
import { createOrg } from "../src/features/orgs/index.js";
import { DIALECTS, type TestStore, openTestStore, refusedUnchanged } from "./helpers/store.js";

for (const dialect of DIALECTS) {
  describe(`${dialect}: audit checkpoint anchors sent out`, () => {
    let t: TestStore;
    let server: Server;
    let url: string;
    const bodies: string[] = [];

    beforeEach(async () => {
      bodies.length = 0;
      server = createServer((req, res) => {
        let body = "";
        req.on("data", (c: Buffer) => (body += c.toString()));
        req.on("end", () => {
          bodies.push(body);
          res.end("ok");
        });
      });
      await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/anchors`;
      t = await openTestStore(dialect);
      await createOrg(t.ctx, { name: "Engineering Team" });
    });
    afterEach(async () => {
      await t.close();
      await new Promise<void>((done) => server.close(() => done()));
    });

    it("delivers the checkpoint's hash to the webhook, and verify accepts it as an anchor", async () => {
      await configureProvider(t.ctx, { kind: "webhook", name: "anchors", url, allowInsecure: true });
      const { anchor } = await checkpointAndSend(t.ctx, { notify: "webhook:anchors" });
      expect(await dispatchNotifications(t.ctx)).toMatchObject({ delivered: 1 });
      expect(bodies).toHaveLength(1);
      const sent = JSON.parse(bodies[0]!) as { type: string; data: { hash: string; seq: number } };
      expect(sent).toMatchObject({ type: "audit:checkpoint", data: { hash: anchor.hash, seq: anchor.seq } });
      const report = await verifyAudit(t.ctx, { anchors: [sent.data.hash] });
      expect(report.ok).toBe(true);
    });

    it("refuses a channel without a provider and records no checkpoint", async () => {
      await refusedUnchanged(
        t,
        () => checkpointAndSend(t.ctx, { notify: "webhook:nowhere" }),
        "notify.provider_not_configured",
      );
    });
  });
}
