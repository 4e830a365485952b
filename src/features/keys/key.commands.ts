// `clerk keys …`: create (shown once), list, revoke.
import type { Command } from "commander";
import { table, when } from "../../cli/output.js";
import { action } from "../../cli/run.js";
import { type ApiKey, createKey, listKeys, revokeKey } from "./index.js";

const keyJson = (k: ApiKey) => ({ id: k.id, name: k.name, kind: k.kind, user_id: k.userId, key: k.display, created_at: k.createdAt, last_used_at: k.lastUsedAt, revoked_at: k.revokedAt });

export function registerKeyCommands(program: Command): void {
  const keys = program.command("keys").description("API keys: instance secret keys and agent keys.");

  keys
    .command("create")
    .description("Create a key and print it once (an agent key acts as that user, with exactly their permissions).")
    .option("--name <name>", "what the key is for")
    .option("--agent <email>", "bind the key to this user (an agent key)")
    .addHelpText("after", '\nExamples:\n  clerk keys create --name "CI"\n  clerk keys create --agent deploy-bot@acme.com')
    .action(
      action<{ name?: string; agent?: string }>(async ({ ctx }, o) => {
        const { key, secret } = await createKey(ctx, { name: o.name, agent: o.agent });
        return { json: { ...keyJson(key), secret }, text: `${secret}\n\nThis is the only time the key is shown; store it now. (${key.name}, ${key.id})` };
      }),
    );

  keys
    .command("list")
    .description("List keys: prefix and last four characters, last use, revoked or not.")
    .addHelpText("after", "\nExample:\n  clerk keys list")
    .action(
      action(async ({ ctx }) => {
        const all = await listKeys(ctx);
        return {
          json: all.map(keyJson),
          text: table(["KEY", "NAME", "KIND", "LAST USED", "STATUS"], all.map((k) => [k.display, k.name, k.kind, when(k.lastUsedAt), k.revokedAt ? `revoked ${when(k.revokedAt)}` : "active"])),
        };
      }),
    );

  keys
    .command("revoke")
    .description("Revoke a key by id or as listed (sk_live_Ab3d…wXyZ); it stops working at once.")
    .argument("<key>", "key id or the listed form")
    .addHelpText("after", "\nExample:\n  clerk keys revoke sk_live_Ab3d…wXyZ")
    .action(
      action(async ({ ctx }, _o, args) => {
        const k = await revokeKey(ctx, args[0] as string);
        return { json: keyJson(k), text: `Revoked ${k.display} (${k.name}).` };
      }),
    );
}
