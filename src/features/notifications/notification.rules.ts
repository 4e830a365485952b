// Rules: on a workflow's signal, a message to a channel; placeholders and channel checked when saved.
import { type ServiceContext, inTransaction } from "../../context.js";
import { ClerkError } from "../../errors.js";
import { newId } from "../../ids.js";
import { recordAudit } from "../audit/index.js";
import { organizationOf, resolveOrg } from "../orgs/index.js";
import { SIGNALS, type Signal, assertMayManageWorkflows, resolveWorkflow } from "../workflows/index.js";
import { formatChannel, parseChannel } from "./notification.channels.js";
import { checkTemplate } from "./notification.template.js";
import { providerFor } from "./notification.providers.js";

/** A rule as services return it. */
export interface Rule {
  id: string;
  workflow: { id: string; slug: string };
  on: Signal;
  message: string;
  channel: string;
  createdAt: number;
}

/** `clerk workflow notify`: on a signal of a workflow, send a message to a channel (checked now, not at send time). */
export async function addRule(
  ctx: ServiceContext,
  input: { workflow: string; organization?: string | undefined; on: string; message: string; channel: string },
): Promise<Rule> {
  const on = input.on.trim().toLowerCase();
  if (!(SIGNALS as readonly string[]).includes(on)) {
    throw new ClerkError("notify.invalid_channel", `--on "${input.on}" is not a signal; use ${SIGNALS.join(", ")}.`, {
      param: "on",
    });
  }
  checkTemplate(input.message);
  const channel = parseChannel(input.channel);
  return inTransaction(ctx, async (tx) => {
    const wf = await resolveWorkflow(tx, input.workflow, input.organization);
    const org = await resolveOrg(tx, wf.organization.id);
    await assertMayManageWorkflows(tx, org, "set notification rules");
    await providerFor(tx, channel);
    const now = tx.clock.now();
    const row = {
      id: newId("ntfr", now),
      organization_id: org.id,
      workflow_id: wf.id,
      on_signal: on,
      message: input.message,
      channel: formatChannel(channel),
      created_at: now,
    };
    await tx.db.insertInto("notification_rules").values(row).execute();
    await recordAudit(tx, {
      organizationId: org.id,
      action: "workflow.notify_rule_added",
      target: { type: "workflow", id: wf.id, label: wf.slug },
      after: { on, message: row.message, channel: row.channel },
    });
    return {
      id: row.id,
      workflow: { id: wf.id, slug: wf.slug },
      on: on as Signal,
      message: row.message,
      channel: row.channel,
      createdAt: now,
    };
  });
}

export async function listRules(ctx: ServiceContext, workflow: string, organization?: string): Promise<Rule[]> {
  const wf = await resolveWorkflow(ctx, workflow, organization);
  const rows = await ctx.db
    .selectFrom("notification_rules")
    .selectAll()
    .where("workflow_id", "=", wf.id)
    .orderBy("created_at")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    workflow: { id: wf.id, slug: wf.slug },
    on: r.on_signal as Signal,
    message: r.message,
    channel: r.channel,
    createdAt: r.created_at,
  }));
}

export async function removeRule(ctx: ServiceContext, id: string): Promise<Rule> {
  return inTransaction(ctx, async (tx) => {
    const row = await tx.db.selectFrom("notification_rules").selectAll().where("id", "=", id.trim()).executeTakeFirst();
    const notFound = () =>
      new ClerkError(
        "notify.not_found",
        `No notification rule "${id}". List them with: clerk workflow notify list --workflow <workflow>`,
        { param: "rule" },
      );
    if (!row) throw notFound();
    const org = await organizationOf(tx, row.organization_id, notFound);
    const wf = await resolveWorkflow(tx, row.workflow_id);
    await assertMayManageWorkflows(tx, org, "remove notification rules");
    await tx.db.deleteFrom("notification_rules").where("id", "=", row.id).execute();
    await recordAudit(tx, {
      organizationId: row.organization_id,
      action: "workflow.notify_rule_removed",
      target: { type: "workflow", id: wf.id, label: wf.slug },
      before: { on: row.on_signal, channel: row.channel },
    });
    return {
      id: row.id,
      workflow: { id: wf.id, slug: wf.slug },
      on: row.on_signal as Signal,
      message: row.message,
      channel: row.channel,
      createdAt: row.created_at,
    };
  });
}
