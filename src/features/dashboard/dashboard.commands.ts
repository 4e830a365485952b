// `clerk dashboard login` (the operator makes a user a dashboard admin and gets a one-time sign-in link) and
// `clerk dashboard sign-in-token` (a link for any user, from the sign-in token operation).
import type { Command } from "commander";
import { operationCommand } from "../../cli/command.js";
import { type GlobalOptions, openLocal, remoteTarget } from "../../cli/context.js";
import { render } from "../../cli/output.js";
import { reportError } from "../../cli/run.js";
import { ClerkError } from "../../errors.js";
import { makeDashboardAdmin } from "./dashboard-admin.service.js";
import { dashboardOperations } from "./dashboard.operations.js";
import { createSignInToken } from "./sign-in-token.service.js";
import { signInTokenObject } from "./dashboard.view.js";

/** An admin's link works for an hour: long enough to open it, short enough not to linger in a terminal's scrollback. */
const LOGIN_LINK_SECONDS = 3600;

export function registerDashboardCommands(program: Command): void {
  const dashboard = program
    .command("dashboard")
    .description("The web dashboard at /dashboard: admins and one-time sign-in links.");

  dashboard
    .command("login")
    .description(
      "Make a user a dashboard admin (an instance admin once signed in) and print a one-time sign-in link. Operator only: runs on the server's store, not over CLERK_API_URL.",
    )
    .option("--email <address>", "the admin's e-mail (created when new; default: the first dashboard admin)")
    .addHelpText("after", "\nExamples:\n  clerk dashboard login --email ann@acme.com\n  clerk dashboard login")
    .action(async (_options: unknown, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions & { email?: string }>();
      const json = options.format === "json";
      try {
        if (remoteTarget(options))
          throw new ClerkError(
            "remote.misconfigured",
            "clerk dashboard login runs on the server's own store (it makes admins); unset CLERK_API_URL and run it where the store is.",
          );
        const { store, ctx } = await openLocal(options);
        try {
          const email = options.email ?? (await firstAdminEmail(ctx));
          const { user, added } = await makeDashboardAdmin(ctx, email);
          const token = await createSignInToken(ctx, { user: user.id, expiresInSeconds: LOGIN_LINK_SECONDS });
          const object = signInTokenObject({ ...token, url: `${token.url}&redirect_url=%2Fdashboard` });
          const text = [
            added ? `${user.email} is now a dashboard admin.` : `${user.email} is a dashboard admin.`,
            `Open this link within an hour to sign in (it works once):`,
            `  ${object.url}`,
          ].join("\n");
          process.stdout.write(
            `${render({ json: { admin: user.email, sign_in_token: object }, text }, json ? "json" : "table")}\n`,
          );
        } finally {
          await store.close();
        }
      } catch (error) {
        process.exitCode = reportError(error, json);
      }
    });

  operationCommand(dashboard, "sign-in-token", dashboardOperations.createSignInToken, {
    description: "Create a one-time sign-in link for a user (it signs them in as themselves, with their permissions).",
    flags: { user_id: { flag: "user", value: "user", help: "the user (id or e-mail)" } },
    examples: ["clerk dashboard sign-in-token --user bob@acme.com --expires-in-seconds 900"],
    render: (t) => ({ json: t, text: `${t.url ?? ""}\n(${t.id}: works once, until it expires)` }),
  });

  operationCommand(dashboard, "revoke-sign-in-token", dashboardOperations.revokeSignInToken, {
    description: "Revoke a pending sign-in link.",
    args: [{ field: "sign_in_token_id", name: "token", description: "sign-in token id (sit_…)" }],
    examples: ["clerk dashboard revoke-sign-in-token sit_2abc…"],
    render: (t) => ({ json: t, text: `Sign-in token ${t.id} is ${t.status}.` }),
  });
}

async function firstAdminEmail(ctx: Parameters<typeof makeDashboardAdmin>[0]): Promise<string> {
  const row = await ctx.db
    .selectFrom("dashboard_admins")
    .innerJoin("users", "users.id", "dashboard_admins.user_id")
    .select("users.email")
    .orderBy("dashboard_admins.created_at")
    .executeTakeFirst();
  if (!row)
    throw new ClerkError("input.missing", "No dashboard admin yet; name one with --email, e.g. --email ann@acme.com.", {
      param: "email",
    });
  return row.email;
}
