// `clerk export`: the current state as a configuration file, deterministic so that git diffs show real changes.
import { stringify } from "yaml";
import type { ServiceContext } from "../../context.js";
import { assertAllowedNow } from "../access/index.js";
import { exportState } from "./config.read.js";
import type { Config } from "./config.schema.js";
import { configOf } from "./config.state.js";

export async function exportConfig(ctx: ServiceContext, organization?: string, withMembers = false): Promise<Config> {
  assertAllowedNow(ctx, { kind: "instance_admin", what: "export the configuration" });
  return configOf(await exportState(ctx, organization, withMembers));
}

/** The comment that lets editors complete and check the file against `clerk schema config`. */
export const SCHEMA_COMMENT = "# yaml-language-server: $schema=./clerk.schema.json\n";

/** A configuration as file text. */
export function configText(config: Config, format: "yaml" | "json"): string {
  if (format === "json") return `${JSON.stringify(config, null, 2)}\n`;
  return SCHEMA_COMMENT + stringify(config, { lineWidth: 0 });
}
