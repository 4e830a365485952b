// Verified domains: an organization's e-mail domains, each verified by at most one organization of the instance.
import { type ServiceContext, inTransaction } from "../../context.js";
import { isId, newId } from "../../ids.js";
import { parseInput } from "../../validation.js";
import { assertActorMay } from "../access/index.js";
import { recordAudit } from "../audit/index.js";
import { type Organization, lockOrgRow, resolveOrg, organizationsToRead } from "../orgs/index.js";
import {
  commonDomain,
  domainExistsInOrganization,
  domainNotFound,
  domainQuotaExceeded,
  domainVerifiedElsewhere,
} from "./domain.errors.js";
import {
  type DomainRecord,
  countDomains,
  deleteDomainRow,
  findDomainRecord,
  findDomainRecordByName,
  findVerifiedElsewhere,
  insertDomain,
  listDomainRecords,
  updateDomainRow,
  verifiedDomainNames,
} from "./domain.repository.js";
import {
  COMMON_EMAIL_PROVIDERS,
  type CreateDomainInput,
  type ListDomainsInput,
  MAX_DOMAINS_PER_ORGANIZATION,
  type UpdateDomainInput,
  createDomainSchema,
  listDomainsSchema,
  updateDomainSchema,
} from "./domain.schema.js";
import type { EnrollmentMode, VerificationStrategy } from "./domain.table.js";

const MANAGE = "org:sys_domains:manage";
const READ = "org:sys_domains:read";

/** A domain as services return it. */
export interface Domain {
  id: string;
  organization: { id: string; name: string; slug: string };
  name: string;
  enrollmentMode: EnrollmentMode;
  verified: boolean;
  /** The latest DNS or e-mail proof started (null: none, or the domain was vouched for by an admin). */
  verification: {
    strategy: VerificationStrategy;
    attempts: number;
    expireAt: number;
    verifiedAt: number | null;
  } | null;
  createdAt: number;
  updatedAt: number;
}

export function toDomain(row: DomainRecord): Domain {
  return {
    id: row.id,
    organization: { id: row.organization_id, name: row.organization_name, slug: row.organization_slug },
    name: row.name,
    enrollmentMode: row.enrollment_mode,
    verified: row.verified === 1,
    verification:
      row.verification_strategy === null
        ? null
        : {
            strategy: row.verification_strategy,
            attempts: Number(row.verification_attempts ?? 0),
            expireAt: Number(row.verification_expire_at ?? 0),
            verifiedAt: row.verification_verified_at === null ? null : Number(row.verification_verified_at),
          },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** What the audit log keeps of a domain. */
const view = (d: Domain) => ({ name: d.name, enrollmentMode: d.enrollmentMode, verified: d.verified });

/** A name the organization may take: not a public provider, not its own already, not verified by another organization. */
async function assertNameFree(
  ctx: ServiceContext,
  org: Organization,
  name: string,
  verified: boolean,
  exceptId?: string,
): Promise<void> {
  if (COMMON_EMAIL_PROVIDERS.has(name)) throw commonDomain(name);
  const same = await findDomainRecordByName(ctx.db, org.id, name);
  if (same && same.id !== exceptId) throw domainExistsInOrganization(name, org.slug);
  if (verified && (await findVerifiedElsewhere(ctx.db, name, org.id))) throw domainVerifiedElsewhere(name);
}

/** Adds a domain to an organization (verified unless `verified: false`); at most ten per organization. */
export async function addDomain(ctx: ServiceContext, input: CreateDomainInput): Promise<Domain> {
  const data = parseInput(createDomainSchema, input);
  return inTransaction(ctx, async (tx) => {
    const org = await resolveOrg(tx, data.organization);
    await assertActorMay(tx, org.id, org.slug, MANAGE);
    await lockOrgRow(tx.db, tx.dialect, org.id);
    await assertNameFree(tx, org, data.name, data.verified);
    if ((await countDomains(tx.db, org.id)) >= MAX_DOMAINS_PER_ORGANIZATION) throw domainQuotaExceeded(org.slug);
    const now = tx.clock.now();
    const id = newId("orgdmn", now);
    await insertDomain(tx.db, {
      id,
      organization_id: org.id,
      name: data.name,
      enrollment_mode: data.enrollmentMode,
      verified: data.verified ? 1 : 0,
      created_at: now,
      updated_at: now,
    });
    const domain = toDomain((await findDomainRecord(tx.db, id)) as DomainRecord);
    await recordAudit(tx, {
      organizationId: org.id,
      action: "domain.created",
      target: { type: "domain", id, label: domain.name },
      after: view(domain),
    });
    return domain;
  });
}

/** A page of one organization's domains (or of every organization the actor may read), filtered and ordered. */
export async function listDomains(
  ctx: ServiceContext,
  input: ListDomainsInput,
): Promise<{ data: Domain[]; totalCount: number }> {
  const q = parseInput(listDomainsSchema, input);
  const organizationIds = await organizationsToRead(ctx, q.organization, READ);
  const modes = q.enrollmentModes ?? [];
  const { rows, total } = await listDomainRecords(
    ctx.db,
    {
      organizationIds,
      verified: q.verified,
      includeModes: modes.filter((m) => !m.startsWith("-")),
      excludeModes: modes.filter((m) => m.startsWith("-")).map((m) => m.slice(1)),
      query: q.query,
      names: q.names,
    },
    {
      field: q.orderBy.replace(/^[+-]/, "") as "name" | "created_at",
      direction: q.orderBy.startsWith("-") ? "desc" : "asc",
    },
    { limit: q.limit, offset: q.offset },
  );
  return { data: rows.map(toDomain), totalCount: total };
}

/** Finds a domain of the organization by id or by name. */
export async function findDomain(ctx: ServiceContext, org: Organization, ref: string): Promise<Domain> {
  const value = ref.trim();
  const row = isId(value, "orgdmn")
    ? await findDomainRecord(ctx.db, value)
    : await findDomainRecordByName(ctx.db, org.id, value.toLowerCase());
  if (!row || row.organization_id !== org.id) throw domainNotFound(value, org.slug);
  return toDomain(row);
}

/** One domain of an organization, by id or name. */
export async function getDomain(ctx: ServiceContext, organization: string, ref: string): Promise<Domain> {
  const org = await resolveOrg(ctx, organization);
  await assertActorMay(ctx, org.id, org.slug, READ);
  return findDomain(ctx, org, ref);
}

async function changeDomain(
  ctx: ServiceContext,
  organization: string,
  ref: string,
  data: UpdateDomainInput,
  action: string,
): Promise<Domain> {
  return inTransaction(ctx, async (tx) => {
    const org = await resolveOrg(tx, organization);
    await assertActorMay(tx, org.id, org.slug, MANAGE);
    await lockOrgRow(tx.db, tx.dialect, org.id);
    const before = await findDomain(tx, org, ref);
    const name = data.name ?? before.name;
    const verified = data.verified ?? before.verified;
    if (name !== before.name || (verified && !before.verified))
      await assertNameFree(tx, org, name, verified, before.id);
    await updateDomainRow(tx.db, before.id, {
      name,
      enrollment_mode: data.enrollmentMode ?? before.enrollmentMode,
      verified: verified ? 1 : 0,
      updated_at: tx.clock.now(),
    });
    const after = toDomain((await findDomainRecord(tx.db, before.id)) as DomainRecord);
    await recordAudit(tx, {
      organizationId: org.id,
      action,
      target: { type: "domain", id: after.id, label: after.name },
      before: view(before),
      after: view(after),
    });
    return after;
  });
}

/** Renames a domain, changes its enrollment mode, or marks it verified or not. */
export async function updateDomain(
  ctx: ServiceContext,
  organization: string,
  ref: string,
  input: UpdateDomainInput,
): Promise<Domain> {
  return changeDomain(ctx, organization, ref, parseInput(updateDomainSchema, input), "domain.updated");
}

/** Marks a domain verified by an instance admin (Clerk's manual ownership override). */
export async function verifyDomain(ctx: ServiceContext, organization: string, ref: string): Promise<Domain> {
  return changeDomain(ctx, organization, ref, { verified: true }, "domain.verified");
}

/** Removes a domain from its organization. */
export async function removeDomain(ctx: ServiceContext, organization: string, ref: string): Promise<Domain> {
  return inTransaction(ctx, async (tx) => {
    const org = await resolveOrg(tx, organization);
    await assertActorMay(tx, org.id, org.slug, MANAGE);
    const domain = await findDomain(tx, org, ref);
    await deleteDomainRow(tx.db, domain.id);
    await recordAudit(tx, {
      organizationId: org.id,
      action: "domain.deleted",
      target: { type: "domain", id: domain.id, label: domain.name },
      before: view(domain),
    });
    return domain;
  });
}

/** The names of an organization's verified domains (an enterprise connection serves only those). */
export async function verifiedDomainsOf(ctx: ServiceContext, organizationId: string): Promise<Set<string>> {
  return verifiedDomainNames(ctx.db, organizationId);
}
