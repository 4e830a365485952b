// `clerk org domain …`: add, list, update, remove.
import type { Command } from "commander";
import { listAll } from "../../cli/api.js";
import { organizationOrDefault } from "../../cli/context.js";
import { table, when, commandNamed } from "../../cli/output.js";
import { action } from "../../cli/run.js";
import { ClerkError } from "../../errors.js";
import { domainEndpoints } from "./domain.routes.js";
import { enrollmentModeSchema } from "./domain.schema.js";

/** Whether a domain, as the API returns it, is verified (it then carries a verification). */
const verified = (d: { verification: { status: string } | null }) => d.verification?.status === "verified";

const MODES = enrollmentModeSchema.options.join(", ");

function parseMode(value: string | undefined) {
  if (value === undefined) return undefined;
  const parsed = enrollmentModeSchema.safeParse(value);
  if (!parsed.success)
    throw new ClerkError("input.invalid", `"${value}" is not an enrollment mode; use ${MODES}.`, {
      param: "enrollment-mode",
    });
  return parsed.data;
}

function parseBool(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (/^(true|yes|on|1)$/i.test(value)) return true;
  if (/^(false|no|off|0)$/i.test(value)) return false;
  throw new ClerkError("input.invalid", `"${value}" is not true or false.`, { param: "verified" });
}

/** Adds `clerk org domain add|list|update|remove` (after the `org` command exists). */
export function registerDomainCommands(program: Command): void {
  const org = commandNamed(program, "org");
  const domain = org
    .command("domain")
    .alias("domains")
    .description("Verified domains: the e-mail domains of an organization's people.");

  domain
    .command("add")
    .description("Add a domain to an organization (verified unless --unverified; at most 10 per organization).")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .requiredOption("--name <domain>", "host name, e.g. acme.com (public providers such as gmail.com are refused)")
    .option("--enrollment-mode <mode>", MODES, "manual_invitation")
    .option("--unverified", "add it unverified (it can then also be verified by another organization)")
    .addHelpText(
      "after",
      '\nExample:\n  clerk org domain add --organization "engineering-team" --name acme.com --enrollment-mode automatic_invitation',
    )
    .action(
      action<{ organization?: string; name: string; enrollmentMode: string; unverified?: boolean }>(
        async ({ api }, o) => {
          const d = await api.call(domainEndpoints.create, {
            params: { organization_id: organizationOrDefault(o.organization) },
            body: { name: o.name, enrollment_mode: parseMode(o.enrollmentMode), verified: !o.unverified },
          });
          return {
            json: d,
            text: `Added ${d.name} to ${d.public_organization_data.slug} (${verified(d) ? "verified" : "unverified"}, ${d.enrollment_mode}, ${d.id}).`,
          };
        },
      ),
    );

  domain
    .command("list")
    .description("List an organization's domains, newest first.")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .option("--verified <bool>", "only verified (true) or unverified (false) domains")
    .addHelpText("after", '\nExample:\n  clerk org domain list --organization "engineering-team"')
    .action(
      action<{ organization?: string; verified?: string }>(async ({ api }, o) => {
        const domains = await listAll(api, domainEndpoints.list, {
          params: { organization_id: organizationOrDefault(o.organization) },
          query: { verified: parseBool(o.verified) },
        });
        return {
          json: domains,
          text: table(
            ["DOMAIN", "ENROLLMENT", "VERIFIED", "SINCE", "ID"],
            domains.map((d) => [d.name, d.enrollment_mode, verified(d) ? "yes" : "no", when(d.created_at), d.id]),
          ),
        };
      }),
    );

  domain
    .command("update")
    .description("Rename a domain, change its enrollment mode, or mark it verified or not.")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .requiredOption("--domain <domain>", "the domain's name or id")
    .option("--name <domain>", "new host name")
    .option("--enrollment-mode <mode>", MODES)
    .option("--verified <bool>", "true or false")
    .addHelpText(
      "after",
      '\nExample:\n  clerk org domain update --organization "engineering-team" --domain acme.com --enrollment-mode automatic_suggestion',
    )
    .action(
      action<{ organization?: string; domain: string; name?: string; enrollmentMode?: string; verified?: string }>(
        async ({ api }, o) => {
          const d = await api.call(domainEndpoints.update, {
            params: { organization_id: organizationOrDefault(o.organization), domain_id: o.domain },
            body: { name: o.name, enrollment_mode: parseMode(o.enrollmentMode), verified: parseBool(o.verified) },
          });
          return {
            json: d,
            text: `Updated ${d.name} (${verified(d) ? "verified" : "unverified"}, ${d.enrollment_mode}).`,
          };
        },
      ),
    );

  domain
    .command("remove")
    .description("Remove a domain from an organization.")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .requiredOption("--domain <domain>", "the domain's name or id")
    .addHelpText("after", '\nExample:\n  clerk org domain remove --organization "engineering-team" --domain acme.com')
    .action(
      action<{ organization?: string; domain: string }>(async ({ api }, o) => {
        const d = await api.call(domainEndpoints.remove, {
          params: { organization_id: organizationOrDefault(o.organization), domain_id: o.domain },
        });
        return { json: d, text: `Removed ${d.name} from ${d.public_organization_data.slug}.` };
      }),
    );
}
