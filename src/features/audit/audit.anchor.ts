// Anchoring: a checkpoint's hash sent out of the database (a webhook, Slack, e-mail) in the checkpoint's transaction.
import { type ServiceContext, inTransaction } from "../../context.js";
import { enqueueNotice } from "../notifications/index.js";
import { recordCheckpoints } from "./audit.checkpoints.js";
import type { CheckpointAnchor, CheckpointObject } from "./audit.view.js";

/**
 * Records a checkpoint and, with `notify`, queues its hash to that channel in the same transaction: the notice
 * is delivered (with retries) exactly when the checkpoint exists, and a channel without a provider refuses both.
 * Whoever can read the master key can forge checkpoints; a hash kept where the database's writers cannot reach
 * is what `clerk audit verify --anchor` checks against.
 */
export async function checkpointAndSend(
  ctx: ServiceContext,
  input: { organization?: string | undefined; notify?: string | undefined },
): Promise<{ anchor: CheckpointAnchor; chains: CheckpointObject[] }> {
  return inTransaction(ctx, async (tx) => {
    const result = await recordCheckpoints(tx, { organization: input.organization });
    if (input.notify !== undefined) {
      const { anchor } = result;
      await enqueueNotice(tx, {
        channel: input.notify,
        source: "audit:checkpoint",
        subject: `Audit checkpoint #${anchor.seq}`,
        text: `Audit checkpoint #${anchor.seq}: ${anchor.hash}. Keep it; clerk audit verify --anchor ${anchor.hash} proves the log still reaches it.`,
        data: { seq: anchor.seq, id: anchor.id, hash: anchor.hash, prev_hash: anchor.prev_hash, kind: anchor.kind },
      });
    }
    return result;
  });
}
