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

export const configOperations = {
  export: operation(
    {
      method: "GET",
      url: "/config/export",
      tag,
      summary: "The current organizations, roles, custom permissions and role defaults in the configuration format",
      query: z
        .object({ organization: z.string().optional().describe("only this organization (slug) and its descendants") })
        .strict(),
      output: configSchema,
    },
    async ({ ctx, query }) => exportConfig(ctx, query.organization),
  ),
  plan: operation(
    {
      method: "POST",
      url: "/config/plan",
      tag,
      summary: "What applying this configuration would create, update and (with prune) delete; changes nothing",
      query: z.object({ prune: pruneField }).strict(),
      body: configSchema,
      output: planSchema,
    },
    async ({ ctx, query, body }) => planObject(await planConfig(ctx, body, { prune: query.prune === true }), false),
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
          base: z.string().optional().describe("the plan's base hash: refuse if the store changed since"),
        })
        .strict(),
      body: configSchema,
      output: planSchema,
    },
    async ({ ctx, query, body }) => {
      const plan = await applyConfig(ctx, body, { prune: query.prune === true, base: query.base });
      return planObject(plan, plan.changes.length > 0);
    },
  ),
};
