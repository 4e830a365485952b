// Configuration as code over the API: export the current state, plan a configuration against it, apply it.
// Instance admins only (the services authorize); the body is the configuration as JSON.
import { z } from "zod";
import { operation } from "../../operations/index.js";
import { configSchema } from "./config.schema.js";
import { exportConfig } from "./config.export.js";
import { applyConfig, planConfig } from "./config.service.js";
import { planObject, planSchema } from "./config.view.js";

const tag = "Configuration";
const flag = z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]);
const pruneField = flag.optional().describe("also delete what the configuration manages but no longer lists");
const membersField = flag
  .optional()
  .describe("also the members of the organizations in scope, with their roles and direct grants (default off)");

/** The configuration, plus the values of the `${env:NAME}` references it names (secrets: used, never stored). */
const body = configSchema.extend({
  env: z
    .record(z.string(), z.string())
    .optional()
    .describe("values of the ${env:NAME} references (the CLI sends its environment's); never stored or shown"),
});
const split = ({ env, ...config }: z.output<typeof body>) => ({ config, env });

export const configOperations = {
  export: operation(
    {
      method: "GET",
      url: "/config/export",
      tag,
      summary:
        "The current state (organizations, roles, permissions, workflows, providers, settings) in the configuration format",
      query: z
        .object({
          organization: z.string().optional().describe("only this organization (slug) and its descendants"),
          with_members: membersField,
        })
        .strict(),
      output: configSchema,
    },
    async ({ ctx, query }) => exportConfig(ctx, query.organization, query.with_members === true),
  ),
  plan: operation(
    {
      method: "POST",
      url: "/config/plan",
      tag,
      summary: "What applying this configuration would create, update and (with prune) delete; changes nothing",
      query: z.object({ prune: pruneField, with_members: membersField }).strict(),
      body,
      output: planSchema,
    },
    async ({ ctx, query, body }) => {
      const { config, env } = split(body);
      const options = { prune: query.prune === true, withMembers: query.with_members === true, env };
      return planObject(await planConfig(ctx, config, options), false);
    },
  ),
  apply: operation(
    {
      method: "POST",
      url: "/config/apply",
      tag,
      summary: "Applies this configuration in one transaction (all or nothing), audited as config.applied",
      query: z
        .object({
          prune: pruneField,
          with_members: membersField,
          base: z.string().optional().describe("the plan's base hash: refuse if the store changed since"),
        })
        .strict(),
      body,
      output: planSchema,
    },
    async ({ ctx, query, body }) => {
      const { config, env } = split(body);
      const plan = await applyConfig(ctx, config, {
        prune: query.prune === true,
        withMembers: query.with_members === true,
        base: query.base,
        env,
      });
      return planObject(plan, plan.changes.length > 0);
    },
  ),
};
