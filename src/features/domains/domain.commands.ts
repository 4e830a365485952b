// `clerk org domain …`: add, list, update, remove.
import type { Command } from "commander";
import { operationCommand } from "../../cli/command.js";
import { organizationOrDefault } from "../../cli/context.js";
import { table, when, commandNamed } from "../../cli/output.js";
import { action } from "../../cli/run.js";
import { ClerkError } from "../../errors.js";
import { domainOperations } from "./domain.operations.js";
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

/** `--organization <org>`, falling back to the organization chosen with `clerk org use`. */
const organizationFlag = {
  flag: "organization",
  value: "org",
  help: "slug, id or name (default: clerk org use)",
  resolve: organizationOrDefault,
};

/** Adds `clerk org domain add|list|update|remove` (after the `org` command exists). */
export function registerDomainCommands(program: Command): void {
  const org = commandNamed(program, "org");
  const domain = org
    .command("domain")
    .alias("domains")
    .description("Verified domains: the e-mail domains of an organization's people.");

  // Hand-written: --unverified is a switch, and --enrollment-mode has a default and lists the modes in its help.
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
          const d = await api.call(domainOperations.create, {
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

  operationCommand(domain, "list", domainOperations.list, {
    description: "List an organization's domains, newest first.",
    paged: true,
    flags: {
      organization_id: organizationFlag,
      verified: { value: "bool", resolve: parseBool },
      enrollment_mode: false,
    },
    examples: ['clerk org domain list --organization "engineering-team"'],
    render: ({ data: domains }) => ({
      json: domains,
      text: table(
        ["DOMAIN", "ENROLLMENT", "VERIFIED", "SINCE", "ID"],
        domains.map((d) => [d.name, d.enrollment_mode, verified(d) ? "yes" : "no", when(d.created_at), d.id]),
      ),
    }),
  });

  // Hand-written: --enrollment-mode lists the modes in its help, which the derived flag would repeat as choices.
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
          const d = await api.call(domainOperations.update, {
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

  // Hand-written: one command starts a proof (--method) or completes it (--check, --code).
  domain
    .command("verify")
    .description(
      "Prove the organization owns a domain: --method dns prints a TXT record to publish (then --check), --method email sends a code to an address at the domain (then --code).",
    )
    .argument("<domain>", "the domain's name or id")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .option("--method <method>", "dns or email: start a proof")
    .option("--email <address>", "email: an address at the domain to send the code to")
    .option("--check", "dns: look the TXT record up now")
    .option("--code <code>", "email: the code from the e-mail")
    .addHelpText(
      "after",
      "\nExamples:\n  clerk org domain verify acme.com --method dns\n  clerk org domain verify acme.com --check\n  clerk org domain verify acme.com --method email --email it@acme.com\n  clerk org domain verify acme.com --code 123456",
    )
    .action(
      action<{ organization?: string; method?: string; email?: string; check?: boolean; code?: string }>(
        async ({ api }, o, [name]) => {
          const params = { organization_id: organizationOrDefault(o.organization), domain_id: name ?? "" };
          if (o.check || o.code !== undefined) {
            const d = await api.call(domainOperations.attemptVerification, {
              params,
              body: o.code === undefined ? {} : { code: o.code },
            });
            return {
              json: d,
              text: `Verified ${d.name} for ${d.public_organization_data.slug} (${d.verification?.strategy ?? "admin"}).`,
            };
          }
          if (o.method !== "dns" && o.method !== "email")
            throw new ClerkError(
              "input.invalid",
              "Say how to prove it: --method dns or --method email --email it@<domain>; then --check or --code.",
              { param: "method" },
            );
          const v = await api.call(domainOperations.startVerification, {
            params,
            body:
              o.method === "dns"
                ? { strategy: "dns_record" }
                : { strategy: "email_code", ...(o.email === undefined ? {} : { email_address: o.email }) },
          });
          const until = new Date(v.expire_at).toISOString().replace(".000Z", "Z");
          const text = v.dns_record
            ? `Publish this DNS record (valid until ${until}):\n  ${v.dns_record.name}  TXT  "${v.dns_record.value}"\nThen run: clerk org domain verify ${v.domain.name} --check`
            : `A code was sent to ${v.email_address ?? ""} (valid until ${until}).\nThen run: clerk org domain verify ${v.domain.name} --code <code>`;
          return { json: v, text };
        },
      ),
    );

  operationCommand(domain, "remove", domainOperations.remove, {
    description: "Remove a domain from an organization.",
    flags: { organization_id: organizationFlag, domain_id: { flag: "domain", value: "domain" } },
    examples: ['clerk org domain remove --organization "engineering-team" --domain acme.com'],
    render: (d, { options }) => ({
      json: d,
      text: `Removed ${String(options.domain)} from ${String(options.organization ?? "the organization")}.`,
    }),
  });
}
