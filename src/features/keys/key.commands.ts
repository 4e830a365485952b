// `clerk keys …`: create (shown once), list, revoke.
import type { Command } from "commander";
import { listAll } from "../../cli/api.js";
import { table, when } from "../../cli/output.js";
import { action } from "../../cli/run.js";
import { keyEndpoints } from "./key.routes.js";

export function registerKeyCommands(program: Command): void {
  const keys = program.command("keys").description("API keys: instance secret keys and agent keys.");

  keys
    .command("create")
    .description("Create a key and print it once (an agent key acts as that user, with exactly their permissions).")
    .option("--name <name>", "what the key is for")
    .option("--agent <email>", "bind the key to this user (an agent key)")
    .addHelpText(
      "after",
      '\nExamples:\n  clerk keys create --name "CI"\n  clerk keys create --agent deploy-bot@acme.com',
    )
    .action(
      action<{ name?: string; agent?: string }>(async ({ api }, o) => {
        const key = await api.call(keyEndpoints.create, { body: { name: o.name, user_id: o.agent } });
        return {
          json: key,
          text: `${key.secret}\n\nThis is the only time the key is shown; store it now. (${key.name}, ${key.id})`,
        };
      }),
    );

  keys
    .command("list")
    .description("List keys: prefix and last four characters, last use, revoked or not.")
    .addHelpText("after", "\nExample:\n  clerk keys list")
    .action(
      action(async ({ api }) => {
        const all = await listAll(api, keyEndpoints.list);
        return {
          json: all,
          text: table(
            ["KEY", "NAME", "KIND", "LAST USED", "STATUS"],
            all.map((k) => [
              k.key,
              k.name,
              k.kind,
              when(k.last_used_at),
              k.revoked_at ? `revoked ${when(k.revoked_at)}` : "active",
            ]),
          ),
        };
      }),
    );

  keys
    .command("revoke")
    .description("Revoke a key by id or as listed (sk_live_Ab3d…wXyZ); it stops working at once.")
    .argument("<key>", "key id or the listed form")
    .addHelpText("after", "\nExample:\n  clerk keys revoke sk_live_Ab3d…wXyZ")
    .action(
      action(async ({ api }, _o, args) => {
        const k = await api.call(keyEndpoints.revoke, { params: { key_id: args[0] as string } });
        return { json: k, text: `Revoked ${k.key} (${k.name}).` };
      }),
    );
}
