// Proving an organization owns a domain: a DNS TXT record at `_clerk-verification.<domain>` holding the value
// clerk gave (looked up through ctx.resolveTxt, default node:dns), or a six-digit code e-mailed (through the
// notifications outbox) to an address at the domain. One proof at a time per domain; a code allows five tries.
import { createHash, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import { resolveTxt as systemResolveTxt } from "node:dns/promises";
import { type ServiceContext, inTransaction } from "../../context.js";
import { assertActorMay } from "../access/index.js";
import { recordAudit } from "../audit/index.js";
import { enqueueEmail } from "../notifications/index.js";
import { type Organization, lockOrgRow, resolveOrg } from "../orgs/index.js";
import {
  domainAlreadyVerified,
  domainVerifiedElsewhere,
  emailOutsideDomain,
  noEmailProvider,
  tooManyAttempts,
  verificationExpired,
  verificationFailed,
  verificationMissing,
} from "./domain.errors.js";
import { type DomainRecord, findDomainRecord, findVerifiedElsewhere, updateDomainRow } from "./domain.repository.js";
import { type Domain, findDomain, toDomain } from "./domain.service.js";
import type { DomainVerificationsTable, VerificationStrategy } from "./domain.table.js";

const MANAGE = "org:sys_domains:manage";
/** The subdomain the TXT record is published at. */
export const DNS_RECORD_LABEL = "_clerk-verification";
const DNS_TTL_MS = 7 * 24 * 60 * 60_000;
const EMAIL_TTL_MS = 15 * 60_000;
export const MAX_CODE_ATTEMPTS = 5;

/** A proof under way: what to publish, or where the code went. */
export interface VerificationStarted {
  domain: Domain;
  strategy: VerificationStrategy;
  dnsRecord: { type: "TXT"; name: string; value: string } | null;
  emailAddress: string | null;
  expireAt: number;
}

const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");
const dnsName = (domain: string) => `${DNS_RECORD_LABEL}.${domain}`;

async function domainToProve(tx: ServiceContext, organization: string, ref: string) {
  const org = await resolveOrg(tx, organization);
  await assertActorMay(tx, org.id, org.slug, MANAGE);
  await lockOrgRow(tx.db, tx.dialect, org.id);
  const domain = await findDomain(tx, org, ref);
  if (domain.verified) throw domainAlreadyVerified(domain.name);
  return { org, domain };
}

/** Starts (or restarts) a proof of a domain; a DNS proof answers the record to publish, an e-mail proof sends a code. */
export async function startDomainVerification(
  ctx: ServiceContext,
  organization: string,
  ref: string,
  input: { strategy: VerificationStrategy; emailAddress?: string | undefined },
): Promise<VerificationStarted> {
  return inTransaction(ctx, async (tx) => {
    const { org, domain } = await domainToProve(tx, organization, ref);
    const now = tx.clock.now();
    let secret: string;
    let email: string | null = null;
    let expireAt: number;
    if (input.strategy === "dns_record") {
      secret = `clerk-domain-verification=${randomBytes(24).toString("base64url")}`;
      expireAt = now + DNS_TTL_MS;
    } else {
      email = (input.emailAddress ?? "").trim().toLowerCase();
      if (email.slice(email.lastIndexOf("@") + 1) !== domain.name || email.indexOf("@") < 1)
        throw emailOutsideDomain(email || "(no address)", domain.name);
      const code = randomInt(0, 1_000_000).toString().padStart(6, "0");
      secret = sha256(code);
      expireAt = now + EMAIL_TTL_MS;
      const queued = await enqueueEmail(
        tx,
        {
          organizationId: org.id,
          source: "domain.verification",
          to: email,
          subject: `Your code to verify ${domain.name} for ${org.name}`,
          text: `Your code to verify that ${org.name} owns ${domain.name} is {{code}}.\n\nIt is valid for 15 minutes. If you did not expect this, ignore it.\n`,
          html: null,
          secrets: { code },
        },
        EMAIL_TTL_MS,
      );
      if (queued === null) throw noEmailProvider();
    }
    const row: DomainVerificationsTable = {
      domain_id: domain.id,
      strategy: input.strategy,
      secret,
      email_address: email,
      attempts: 0,
      expire_at: expireAt,
      verified_at: null,
      created_at: now,
    };
    await tx.db.deleteFrom("domain_verifications").where("domain_id", "=", domain.id).execute();
    await tx.db.insertInto("domain_verifications").values(row).execute();
    await recordAudit(tx, {
      organizationId: org.id,
      action: "domain.verification_started",
      target: { type: "domain", id: domain.id, label: domain.name },
      after: { strategy: input.strategy, email_address: email, expire_at: expireAt },
    });
    return {
      domain: await reread(tx, domain.id),
      strategy: input.strategy,
      dnsRecord: input.strategy === "dns_record" ? { type: "TXT", name: dnsName(domain.name), value: secret } : null,
      emailAddress: email,
      expireAt,
    };
  });
}

async function reread(tx: ServiceContext, id: string): Promise<Domain> {
  return toDomain((await findDomainRecord(tx.db, id)) as DomainRecord);
}

async function txtRecords(ctx: ServiceContext, name: string): Promise<string[]> {
  const resolve = ctx.resolveTxt ?? systemResolveTxt;
  try {
    return (await resolve(name)).map((chunks) => chunks.join(""));
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === "ENOTFOUND" || code === "ENODATA") return [];
    throw verificationFailed(
      `The TXT records of ${name} could not be looked up (${typeof code === "string" ? code : String(e)}); try again later.`,
      "domain_id",
    );
  }
}

/**
 * Completes a proof: the DNS record is looked up, or the code compared. A wrong code counts (in its own
 * transaction, so it stays though the attempt fails); after five, the code is void.
 */
export async function attemptDomainVerification(
  ctx: ServiceContext,
  organization: string,
  ref: string,
  input: { code?: string | undefined },
): Promise<Domain> {
  let wrongCode: { org: Organization; domain: Domain } | undefined;
  try {
    return await inTransaction(ctx, async (tx) => {
      const { org, domain } = await domainToProve(tx, organization, ref);
      const row = await tx.db
        .selectFrom("domain_verifications")
        .selectAll()
        .where("domain_id", "=", domain.id)
        .executeTakeFirst();
      if (!row || row.verified_at !== null) throw verificationMissing(domain.name);
      const now = tx.clock.now();
      if (row.expire_at <= now) throw verificationExpired(domain.name);
      if (row.strategy === "dns_record") {
        const name = dnsName(domain.name);
        const found = await txtRecords(tx, name);
        if (!found.includes(row.secret))
          throw verificationFailed(
            `No TXT record at ${name} holds ${row.secret} (found ${found.length === 0 ? "none" : found.map((r) => JSON.stringify(r)).join(", ")}); DNS changes can take a while to show.`,
            "domain_id",
          );
      } else {
        if (row.attempts >= MAX_CODE_ATTEMPTS) throw tooManyAttempts(domain.name);
        const given = Buffer.from(sha256((input.code ?? "").trim()), "hex");
        if (!timingSafeEqual(given, Buffer.from(row.secret, "hex"))) {
          wrongCode = { org, domain };
          throw verificationFailed(
            `That is not the code sent to ${row.email_address ?? "the address"}; ${MAX_CODE_ATTEMPTS - row.attempts - 1} tries left.`,
            "code",
          );
        }
      }
      if (await findVerifiedElsewhere(tx.db, domain.name, org.id)) throw domainVerifiedElsewhere(domain.name);
      await updateDomainRow(tx.db, domain.id, { verified: 1, updated_at: now });
      await tx.db
        .updateTable("domain_verifications")
        .set({ verified_at: now, attempts: row.attempts + 1 })
        .where("domain_id", "=", domain.id)
        .execute();
      const after = await reread(tx, domain.id);
      await recordAudit(tx, {
        organizationId: org.id,
        action: "domain.verified",
        target: { type: "domain", id: domain.id, label: domain.name },
        before: { verified: false },
        after: { verified: true, strategy: row.strategy, email_address: row.email_address },
      });
      return after;
    });
  } catch (error) {
    if (wrongCode) {
      const { org, domain } = wrongCode;
      await inTransaction(ctx, async (tx) => {
        await tx.db
          .updateTable("domain_verifications")
          .set((eb) => ({ attempts: eb("attempts", "+", 1) }))
          .where("domain_id", "=", domain.id)
          .execute();
        await recordAudit(tx, {
          organizationId: org.id,
          action: "domain.verification_failed",
          target: { type: "domain", id: domain.id, label: domain.name },
          after: { strategy: "email_code", reason: "wrong_code" },
        });
      });
    }
    throw error;
  }
}
