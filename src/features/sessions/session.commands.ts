// `clerk sessions …`, `clerk tokens settings` and `clerk keys rotate-signing`: all through the API. Hand-written:
// `sessions list` (a derived --status would list its choices in help), `tokens settings` (shows or changes: two
// operations) and `keys rotate-signing` (--now takes no value).
import type { Command } from "commander";
import { operationCommand } from "../../cli/command.js";
import { commandNamed, fields, table, when } from "../../cli/output.js";
import { action } from "../../cli/run.js";
import { ClerkError } from "../../errors.js";
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from "./signing-key.algorithms.js";
import { sessionOperations } from "./session.operations.js";
import type { SessionObject } from "./session.view.js";

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** "90", "90s", "5m", "1h", "7d" → seconds; anything else is a clear error naming the flag. */
function parseSeconds(value: string, flag: string): number {
  const match = /^(\d+)\s*([smhd]?)$/.exec(value.trim());
  if (!match)
    throw new ClerkError(
      "input.invalid",
      `${flag} "${value}" is not a duration; use seconds or a number with s, m, h or d, such as 60s, 5m or 7d.`,
      { param: flag },
    );
  return Number(match[1]) * (UNITS[match[2] || "s"] as number);
}

function parseClaims(value: string): 1 | 2 {
  const v = value.trim().toLowerCase().replace(/^v/, "");
  if (v === "1" || v === "2") return Number(v) as 1 | 2;
  throw new ClerkError(
    "input.invalid",
    `--claims "${value}" is not a claims version; use v2 (Clerk's current o/fea claims) or v1 (org_id, org_role, org_permissions).`,
    { param: "claims" },
  );
}

function parseBudget(value: string): number {
  if (!/^\d+$/.test(value.trim()))
    throw new ClerkError("input.invalid", `--budget "${value}" is not a number of bytes such as 4096.`, {
      param: "budget",
    });
  return Number(value);
}

function parseAlgorithm(value: string | undefined): SigningAlgorithm | undefined {
  if (value === undefined) return undefined;
  const found = SIGNING_ALGORITHMS.find((a) => a.toLowerCase() === value.trim().toLowerCase());
  if (!found)
    throw new ClerkError(
      "input.invalid",
      `--algorithm "${value}" is not supported; use ${SIGNING_ALGORITHMS.join(", ")}.`,
      { param: "algorithm" },
    );
  return found;
}

export function registerSessionCommands(program: Command): void {
  const sessions = program
    .command("sessions")
    .description("Sessions of users, and the session tokens (JWTs) they mint.");

  operationCommand(sessions, "create", sessionOperations.create, {
    description: "Create an active session for a user (server-side sign-in, e.g. for tests or a trusted backend).",
    flags: { user_id: { flag: "user", value: "user", help: "the user's e-mail or id" } },
    examples: ['clerk sessions create --user "alice@acme.com"'],
    render: (s, { options }) => ({
      json: s,
      text: `Created session ${s.id} for ${String(options.user)} (expires ${when(s.expire_at)}).\nMint a token with: clerk sessions token ${s.id}`,
    }),
  });

  sessions
    .command("list")
    .description("List sessions, newest first.")
    .option("--user <user>", "only this user's (e-mail or id)")
    .option("--status <status>", "active, revoked or expired")
    .addHelpText("after", '\nExample:\n  clerk sessions list --user "alice@acme.com" --status active')
    .action(
      action<{ user?: string; status?: string }>(async ({ api }, o) => {
        // The list is a bare array (as Clerk's): fetch pages until one comes back short.
        const all: SessionObject[] = [];
        for (;;) {
          const page = await api.call(sessionOperations.list, {
            query: {
              user_id: o.user,
              status: o.status as "active" | "revoked" | "expired" | undefined,
              limit: 500,
              offset: all.length,
            },
          });
          all.push(...page);
          if (page.length < 500) break;
        }
        return {
          json: all,
          text: table(
            ["ID", "USER", "STATUS", "ACTIVE ORGANIZATION", "EXPIRES"],
            all.map((s) => [s.id, s.user_id, s.status, s.last_active_organization_id ?? "-", when(s.expire_at)]),
          ),
        };
      }),
    );

  const sessionArg = { field: "session_id", name: "session-id", description: "the session's id (sess_…)" };

  operationCommand(sessions, "revoke", sessionOperations.revoke, {
    description: "Revoke a session: it mints no more tokens (those already minted expire within their lifetime).",
    args: [sessionArg],
    examples: ["clerk sessions revoke sess_2Wg7pQ0ZkYzE3m1bX9aT4cL8vRd"],
    render: (s) => ({ json: s, text: `Revoked session ${s.id}.` }),
  });

  operationCommand(sessions, "token", sessionOperations.token, {
    description: "Mint a session token (a JWT) and print it.",
    args: [sessionArg],
    flags: {
      organization_id: {
        flag: "organization",
        value: "org",
        help: "make this organization active (slug, id or name; the user must be a member); none to clear",
        resolve: (given) => (given?.trim().toLowerCase() === "none" ? null : given),
      },
      expires_in_seconds: {
        flag: "lifetime",
        value: "duration",
        help: "how long the token lives, e.g. 60s or 10m (default: the token settings')",
        resolve: (given) => (given === undefined ? undefined : parseSeconds(given, "--lifetime")),
      },
      authorized_party: { value: "origin", help: "the azp claim: the origin of the app the token is for" },
    },
    examples: [
      "clerk sessions token sess_2Wg7pQ0ZkYzE3m1bX9aT4cL8vRd --organization engineering-team --lifetime 5m",
      'curl -H "Authorization: Bearer $(clerk sessions token sess_…)" https://app.example.com/api',
    ],
    render: (token) => ({ json: token, text: token.jwt }),
  });

  const tokens = program
    .command("tokens")
    .description("Session token settings: claims version, lifetime, size budget, issuer, signing algorithm.");

  tokens
    .command("settings")
    .description("Show the session token settings, or change those given.")
    .option("--claims <version>", "v2 (Clerk's o/fea claims, default) or v1 (org_id, org_role, org_permissions)")
    .option("--lifetime <duration>", "default token lifetime, e.g. 60s")
    .option("--budget <bytes>", "largest token before permissions are left out (cx.ovf), e.g. 4096")
    .option("--issuer <iss>", "the iss claim (default: clerk), e.g. https://clerk.example.com")
    .option("--algorithm <alg>", `algorithm of the next signing key: ${SIGNING_ALGORITHMS.join(", ")}`)
    .option("--session-lifetime <duration>", "how long new sessions last, e.g. 7d")
    .addHelpText(
      "after",
      "\nExamples:\n  clerk tokens settings\n  clerk tokens settings --claims v1 --lifetime 120s --budget 8192 --issuer https://clerk.example.com",
    )
    .action(
      action<{
        claims?: string;
        lifetime?: string;
        budget?: string;
        issuer?: string;
        algorithm?: string;
        sessionLifetime?: string;
      }>(async ({ api }, o) => {
        const body = {
          claims_version: o.claims === undefined ? undefined : parseClaims(o.claims),
          token_lifetime_seconds: o.lifetime === undefined ? undefined : parseSeconds(o.lifetime, "--lifetime"),
          size_budget: o.budget === undefined ? undefined : parseBudget(o.budget),
          issuer: o.issuer,
          signing_algorithm: parseAlgorithm(o.algorithm),
          session_lifetime_seconds:
            o.sessionLifetime === undefined ? undefined : parseSeconds(o.sessionLifetime, "--session-lifetime"),
        };
        const changing = Object.values(body).some((v) => v !== undefined);
        const s = changing
          ? await api.call(sessionOperations.updateSettings, { body })
          : await api.call(sessionOperations.settings);
        return {
          json: s,
          text: fields([
            ["Claims", `v${s.claims_version}`],
            ["Token lifetime", `${s.token_lifetime_seconds}s`],
            ["Size budget", `${s.size_budget} bytes`],
            ["Issuer", s.issuer],
            ["Signing algorithm", `${s.signing_algorithm} (for the next key)`],
            ["Session lifetime", `${s.session_lifetime_seconds}s`],
          ]),
        };
      }),
    );

  // Signing keys belong with the other keys: `clerk keys rotate-signing`.
  commandNamed(program, "keys")
    .command("rotate-signing")
    .description(
      "Publish a new signing key now and sign with it once verifiers have refetched the JWKS (10 minutes; --now for an emergency); the old key stays in the JWKS until its tokens expire.",
    )
    .option("--algorithm <alg>", `${SIGNING_ALGORITHMS.join(", ")} (default: the token settings', RS256)`)
    .option(
      "--pre-announce <duration>",
      "how long the new key is published before it signs, e.g. 15m (default 10m; keep it above 5m10s, how long verifiers may cache the JWKS)",
    )
    .option(
      "--now",
      "emergency: sign with the new key at once (verifiers may refuse its tokens until they refetch the JWKS)",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  clerk keys rotate-signing\n  clerk keys rotate-signing --algorithm ES256 --pre-announce 1h\n  clerk keys rotate-signing --now",
    )
    .action(
      action<{ algorithm?: string; preAnnounce?: string; now?: boolean }>(async ({ api }, o) => {
        const r = await api.call(sessionOperations.rotateSigningKey, {
          body: {
            algorithm: parseAlgorithm(o.algorithm),
            pre_announce_seconds:
              o.preAnnounce === undefined ? undefined : parseSeconds(o.preAnnounce, "--pre-announce"),
            now: o.now,
          },
        });
        const key = `New signing key ${r.current.kid} (${r.current.algorithm})`;
        if (r.current.status === "current") {
          const old = r.previous
            ? `\n${r.previous.kid} stays published until ${when(r.previous.published_until)}, when the last token it signed has expired.`
            : "";
          const warning = r.previous
            ? "\nVerifiers that cached the JWKS before now may refuse the new tokens until they refetch it (clerk/sdk: within 10 s)."
            : "";
          return { json: r, text: `${key} signs from now on.${warning}${old}` };
        }
        const old = r.previous
          ? `\n${r.previous.kid} signs until then and stays published until the last token it signed has expired.`
          : "";
        return {
          json: r,
          text: `${key} is published now and signs from ${when(r.signs_from)}, once every verifier has refetched the JWKS.${old}`,
        };
      }),
    );
}
