// Clerk-compatible verified-domain operations: create, list, update, delete, verify ownership, and the instance-wide list.
import { z } from "zod";
import { deletedObject, operation, pageOf } from "../../operations/index.js";
import { enrollmentModeSchema } from "./domain.schema.js";
import { addDomain, listDomains, removeDomain, updateDomain, verifyDomain } from "./domain.service.js";
import { attemptDomainVerification, startDomainVerification } from "./domain.verification.js";
import { deletedDomainSchema, domainObject, domainSchema, verificationStartedSchema } from "./domain.view.js";

const flag = z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]);
const many = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v]));
const pageFields = {
  limit: z.coerce.number().int().min(1).max(500).default(10),
  offset: z.coerce.number().int().min(0).default(0),
};

const organizationId = z.string().describe("slug, id or name");
const params = z.object({ organization_id: organizationId });
const domainParams = z.object({
  organization_id: organizationId,
  domain_id: z.string().describe("the domain's name or id"),
});
const listQuery = z
  .object({
    ...pageFields,
    verified: flag.optional().describe("only verified (true) or unverified (false) domains"),
    enrollment_mode: many.optional(),
  })
  .loose();
const instanceQuery = z
  .object({
    ...pageFields,
    organization_id: z.string().optional(),
    verified: flag.optional(),
    enrollment_mode: many.optional(),
    query: z.string().optional(),
    domains: many.optional(),
    order_by: z.string().optional(),
  })
  .loose();
const createBody = z
  .object({ name: z.string(), enrollment_mode: enrollmentModeSchema.optional(), verified: z.boolean().optional() })
  .strict();
const updateBody = z
  .object({
    name: z.string().optional(),
    enrollment_mode: enrollmentModeSchema.optional(),
    verified: z.boolean().optional(),
  })
  .strict();

const tag = "Domains";
const base = "/organizations/:organization_id/domains";

/** The domain operations, served under /v1 and called by the CLI. */
export const domainOperations = {
  create: operation(
    {
      method: "POST",
      url: base,
      tag,
      summary: "Add a domain (verified unless verified=false; at most 10)",
      params,
      body: createBody,
      output: domainSchema,
    },
    async ({ ctx, params: p, body }) =>
      domainObject(
        await addDomain(ctx, {
          organization: p.organization_id,
          name: body.name,
          enrollmentMode: body.enrollment_mode,
          verified: body.verified,
        }),
      ),
  ),

  list: operation(
    {
      method: "GET",
      url: base,
      tag,
      summary: "List an organization's domains (filter by verified, enrollment mode)",
      params,
      query: listQuery,
      output: pageOf(domainSchema),
    },
    async ({ ctx, params: p, query: q }) => {
      const page = await listDomains(ctx, {
        organization: p.organization_id,
        verified: q.verified,
        enrollmentModes: q.enrollment_mode,
        limit: q.limit,
        offset: q.offset,
      });
      return { data: page.data.map(domainObject), total_count: page.totalCount };
    },
  ),

  update: operation(
    {
      method: "PATCH",
      url: `${base}/:domain_id`,
      tag,
      summary: "Change a domain's name, enrollment mode or verified flag (domain_id: id or name)",
      params: domainParams,
      body: updateBody,
      output: domainSchema,
    },
    async ({ ctx, params: p, body }) =>
      domainObject(
        await updateDomain(ctx, p.organization_id, p.domain_id, {
          name: body.name,
          enrollmentMode: body.enrollment_mode,
          verified: body.verified,
        }),
      ),
  ),

  remove: operation(
    {
      method: "DELETE",
      url: `${base}/:domain_id`,
      tag,
      summary: "Remove a domain (domain_id: id or name); answers Clerk's DeletedObject",
      params: domainParams,
      output: deletedDomainSchema,
    },
    async ({ ctx, params: p }) =>
      deletedObject("organization_domain", (await removeDomain(ctx, p.organization_id, p.domain_id)).id),
  ),

  verify: operation(
    {
      method: "POST",
      url: `${base}/:domain_id/verify_ownership`,
      tag,
      summary: "Mark a domain verified (manual ownership override)",
      params: domainParams,
      output: domainSchema,
    },
    async ({ ctx, params: p }) => domainObject(await verifyDomain(ctx, p.organization_id, p.domain_id)),
  ),

  startVerification: operation(
    {
      method: "POST",
      url: `${base}/:domain_id/verification`,
      tag,
      summary:
        "Start proving the organization owns a domain: a DNS TXT record to publish (dns_record) or a code e-mailed to an address at the domain (email_code)",
      params: domainParams,
      body: z
        .object({
          strategy: z.enum(["dns_record", "email_code"]).describe("dns_record or email_code"),
          email_address: z.string().optional().describe("email_code: an address at the domain to send the code to"),
        })
        .strict(),
      output: verificationStartedSchema,
    },
    async ({ ctx, params: p, body }) => {
      const started = await startDomainVerification(ctx, p.organization_id, p.domain_id, {
        strategy: body.strategy,
        emailAddress: body.email_address,
      });
      return {
        object: "organization_domain_verification" as const,
        strategy: started.strategy,
        dns_record: started.dnsRecord,
        email_address: started.emailAddress,
        expire_at: started.expireAt,
        domain: domainObject(started.domain),
      };
    },
  ),

  attemptVerification: operation(
    {
      method: "POST",
      url: `${base}/:domain_id/verification/attempt`,
      tag,
      summary:
        "Complete a domain's proof: looks the TXT record up (dns_record) or checks the e-mailed code (email_code, five tries)",
      params: domainParams,
      body: z.object({ code: z.string().optional().describe("email_code: the code from the e-mail") }).strict(),
      output: domainSchema,
    },
    async ({ ctx, params: p, body }) =>
      domainObject(await attemptDomainVerification(ctx, p.organization_id, p.domain_id, { code: body.code })),
  ),

  listAll: operation(
    {
      method: "GET",
      url: "/organization_domains",
      tag,
      summary: "List domains across the organizations the caller may read",
      query: instanceQuery,
      output: pageOf(domainSchema),
    },
    async ({ ctx, query: q }) => {
      const page = await listDomains(ctx, {
        organization: q.organization_id,
        verified: q.verified,
        enrollmentModes: q.enrollment_mode,
        query: q.query,
        names: q.domains,
        orderBy: q.order_by,
        limit: q.limit,
        offset: q.offset,
      });
      return { data: page.data.map(domainObject), total_count: page.totalCount };
    },
  ),
};
