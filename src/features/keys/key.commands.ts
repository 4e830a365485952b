// `clerk keys …`: create (shown once), list, revoke.
import type { Command } from "commander";
import { operationCommand } from "../../cli/command.js";
import { table, when } from "../../cli/output.js";
import { keyOperations } from "./key.operations.js";

export function registerKeyCommands(program: Command): void {
  const keys = program.command("keys").description("API keys: instance secret keys and agent keys.");

  operationCommand(keys, "create", keyOperations.create, {
    description: "Create a key and print it once (an agent key acts as that user, with exactly their permissions).",
    flags: { user_id: { flag: "agent", value: "email", help: "bind the key to this user (an agent key)" } },
    examples: ['clerk keys create --name "CI"', "clerk keys create --agent deploy-bot@acme.com"],
    render: (key) => ({
      json: key,
      text: `${key.secret}\n\nThis is the only time the key is shown; store it now. (${key.name}, ${key.id})`,
    }),
  });

  operationCommand(keys, "list", keyOperations.list, {
    description: "List keys: prefix and last four characters, last use, revoked or not.",
    paged: true,
    examples: ["clerk keys list"],
    render: ({ data }) => ({
      json: data,
      text: table(
        ["KEY", "NAME", "KIND", "LAST USED", "STATUS"],
        data.map((k) => [
          k.key,
          k.name,
          k.kind,
          when(k.last_used_at),
          k.revoked_at ? `revoked ${when(k.revoked_at)}` : "active",
        ]),
      ),
    }),
  });

  operationCommand(keys, "revoke", keyOperations.revoke, {
    description: "Revoke a key by id or as listed (sk_live_Ab3d…wXyZ); it stops working at once.",
    args: [{ field: "key_id", name: "key", description: "key id or the listed form" }],
    examples: ["clerk keys revoke sk_live_Ab3d…wXyZ"],
    render: (k) => ({ json: k, text: `Revoked ${k.key} (${k.name}).` }),
  });
}
