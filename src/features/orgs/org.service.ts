// Organizations: create, update, move, delete and write metadata, each audited in its transaction; finding and
// listing them is org.read.ts.
import { type ServiceContext, inTransaction } from "../../context.js";
import { ClerkError } from "../../errors.js";
import { newId } from "../../ids.js";
import { recordAudit } from "../audit/index.js";
import { hasChildren, moveClashesRoles, moveStrandsRoles, parentCycle, slugTaken } from "./org.errors.js";
import { type Organization, ancestorsOfOrg, resolveOrg, toOrganization } from "./org.read.js";
import {
  type OrgRow,
  allOrgs,
  childrenOf,
  deleteOrgRow,
  descendantIds,
  findOrgById,
  findOrgBySlug,
  insertOrg,
  updateOrgRow,
} from "./org.repository.js";
import { type CreateOrgInput, type UpdateOrgInput, createOrgSchema, slugify, updateOrgSchema } from "./org.schema.js";
import { parseInput } from "../../validation.js";
import { actingUserId, assertActorMay } from "../access/index.js";
import { clashingRoleKeys, deleteOrganizationPolicy, markPolicyChanged, rolesOutside } from "../policy/index.js";

const PROFILE_MANAGE = "org:sys_profile:manage";

async function freeSlug(ctx: ServiceContext, slug: string): Promise<void> {
  if (await findOrgBySlug(ctx.db, slug)) throw slugTaken(slug);
}

/** Creates an organization (slug from the name unless given), optionally under a parent. */
export async function createOrg(ctx: ServiceContext, input: CreateOrgInput): Promise<Organization> {
  const data = parseInput(createOrgSchema, input);
  const slug = data.slug ?? slugify(data.name);
  if (slug === "")
    throw new ClerkError("input.invalid", `The name "${data.name}" gives an empty slug; pass --slug.`, {
      param: "slug",
    });
  return inTransaction(ctx, async (tx) => {
    await freeSlug(tx, slug);
    const parent = data.parent === undefined ? null : await resolveOrg(tx, data.parent);
    // A child inherits its parent's read access and reaches its roles: growing the tree is the parent's call.
    if (parent) await assertActorMay(tx, parent.id, parent.slug, PROFILE_MANAGE);
    const now = tx.clock.now();
    // The policy version starts at the column's default; only the policy store moves it.
    const row: Omit<OrgRow, "policy_version"> = {
      id: newId("org", now),
      name: data.name,
      slug,
      description: data.description ?? null,
      parent_id: parent?.id ?? null,
      inherit_ancestor_read: data.inheritAncestorRead === false ? 0 : 1,
      max_allowed_memberships: data.maxAllowedMemberships ?? 0,
      public_metadata: JSON.stringify(data.publicMetadata ?? {}),
      private_metadata: JSON.stringify(data.privateMetadata ?? {}),
      created_by: data.createdBy ?? actingUserId(tx),
      created_at: now,
      updated_at: now,
    };
    await insertOrg(tx.db, row);
    const org = toOrganization((await findOrgById(tx.db, row.id)) as OrgRow);
    await recordAudit(tx, {
      organizationId: org.id,
      action: "org.created",
      target: { type: "organization", id: org.id, label: slug },
      after: org,
    });
    return org;
  });
}

/** Updates name, slug, description, settings, or moves the organization under another parent. */
export async function updateOrg(ctx: ServiceContext, ref: string, input: UpdateOrgInput): Promise<Organization> {
  const data = parseInput(updateOrgSchema, input);
  return inTransaction(ctx, async (tx) => {
    const before = await resolveOrg(tx, ref);
    await assertActorMay(tx, before.id, before.slug, PROFILE_MANAGE);
    const patch: Parameters<typeof updateOrgRow>[2] = { updated_at: tx.clock.now() };
    if (data.name !== undefined) patch.name = data.name;
    if (data.description !== undefined) patch.description = data.description;
    if (data.maxAllowedMemberships !== undefined) patch.max_allowed_memberships = data.maxAllowedMemberships;
    if (data.inheritAncestorRead !== undefined) patch.inherit_ancestor_read = data.inheritAncestorRead ? 1 : 0;
    if (data.slug !== undefined && data.slug !== before.slug) {
      await freeSlug(tx, data.slug);
      patch.slug = data.slug;
    }
    if (data.parent !== undefined) {
      const parent = data.parent === null ? null : await resolveOrg(tx, data.parent);
      const lineage = parent ? [parent, ...(await ancestorsOfOrg(tx, parent))] : [];
      if (parent && lineage.some((o) => o.id === before.id)) throw parentCycle(before.slug, parent.slug);
      // Moving takes the organization out of one tree and grafts it onto another: both parents must agree.
      if ((parent?.id ?? null) !== before.parentId) {
        const oldParent = before.parentId === null ? undefined : await findOrgById(tx.db, before.parentId);
        if (oldParent) await assertActorMay(tx, oldParent.id, oldParent.slug, PROFILE_MANAGE);
        if (parent) await assertActorMay(tx, parent.id, parent.slug, PROFILE_MANAGE);
      }
      const subtree = [before.id, ...(await descendantIds(tx.db, before.id))];
      const kept = new Set([...subtree, ...lineage.map((o) => o.id)]);
      const stranded = await rolesOutside(tx.db, subtree, kept);
      if (stranded.length) {
        const slugs = new Map((await allOrgs(tx.db)).map((o) => [o.id, o.slug]));
        throw moveStrandsRoles(
          before.slug,
          stranded.map((r) => `${r.name} of ${slugs.get(r.owner) ?? r.owner}`),
        );
      }
      const oldAncestors = new Set((await ancestorsOfOrg(tx, before)).map((o) => o.id));
      const clashes = await clashingRoleKeys(
        tx.db,
        subtree,
        lineage.map((o) => o.id).filter((id) => !oldAncestors.has(id)),
      );
      if (clashes.length) throw moveClashesRoles(before.slug, clashes);
      patch.parent_id = parent?.id ?? null;
    }
    await updateOrgRow(tx.db, before.id, patch);
    const movedOrPolicy = data.parent !== undefined || data.inheritAncestorRead !== undefined;
    if (movedOrPolicy) await markPolicyChanged(tx, before.id);
    const after = toOrganization((await findOrgById(tx.db, before.id)) as OrgRow);
    await recordAudit(tx, {
      organizationId: after.id,
      action: "org.updated",
      target: { type: "organization", id: after.id, label: after.slug },
      before,
      after,
    });
    return after;
  });
}

/** Deletes an organization; refused while it has children unless `recursive`, which deletes them first. */
export async function deleteOrg(
  ctx: ServiceContext,
  ref: string,
  options: { recursive?: boolean } = {},
): Promise<Organization[]> {
  return inTransaction(ctx, async (tx) => {
    const org = await resolveOrg(tx, ref);
    await assertActorMay(tx, org.id, org.slug, "org:sys_profile:delete");
    const children = await childrenOf(tx.db, org.id);
    if (children.length > 0 && !options.recursive)
      throw hasChildren(
        org.slug,
        children.map((c) => c.slug),
      );
    const deleted: Organization[] = [];
    for (const child of children) deleted.push(...(await deleteOrg(tx, child.id, options)));
    await deleteOrganizationPolicy(tx, org.id);
    await deleteOrgRow(tx.db, org.id);
    await recordAudit(tx, {
      organizationId: org.id,
      action: "org.deleted",
      target: { type: "organization", id: org.id, label: org.slug },
      before: org,
    });
    deleted.push(org);
    return deleted;
  });
}

type Metadata = Record<string, unknown>;

/** Merges `patch` into `target` (Clerk's metadata PATCH): objects merge deeply, null deletes a key. */
export function deepMerge(target: Metadata, patch: Metadata): Metadata {
  const out: Metadata = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (
      typeof value === "object" &&
      !Array.isArray(value) &&
      typeof out[key] === "object" &&
      out[key] !== null &&
      !Array.isArray(out[key])
    ) {
      out[key] = deepMerge(out[key] as Metadata, value as Metadata);
    } else out[key] = value;
  }
  return out;
}

/** Merges (null deletes a key) or replaces the public and private metadata of an organization. */
export async function updateOrgMetadata(
  ctx: ServiceContext,
  ref: string,
  input: { publicMetadata?: Metadata | undefined; privateMetadata?: Metadata | undefined },
  mode: "merge" | "replace",
): Promise<Organization> {
  return inTransaction(ctx, async (tx) => {
    const before = await resolveOrg(tx, ref);
    await assertActorMay(tx, before.id, before.slug, "org:sys_profile:manage");
    const apply = (current: Metadata, next: Metadata | undefined) =>
      next === undefined ? current : mode === "merge" ? deepMerge(current, next) : next;
    await updateOrgRow(tx.db, before.id, {
      public_metadata: JSON.stringify(apply(before.publicMetadata, input.publicMetadata)),
      private_metadata: JSON.stringify(apply(before.privateMetadata, input.privateMetadata)),
      updated_at: tx.clock.now(),
    });
    const after = toOrganization((await findOrgById(tx.db, before.id)) as OrgRow);
    await recordAudit(tx, {
      organizationId: after.id,
      action: "org.metadata_updated",
      target: { type: "organization", id: after.id, label: after.slug },
      before: { publicMetadata: before.publicMetadata, privateMetadata: before.privateMetadata },
      after: { publicMetadata: after.publicMetadata, privateMetadata: after.privateMetadata },
    });
    return after;
  });
}
