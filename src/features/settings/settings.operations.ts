// GET /v1/instance/status: the store an instance uses and what it holds.
import { operation } from "../../operations/index.js";
import { instanceStatus } from "./settings.service.js";
import { instanceStatusObject, instanceStatusSchema } from "./settings.view.js";

const tag = "Instance";

/** The instance operations, served under /v1 and called by the CLI. */
export const settingsOperations = {
  status: operation(
    {
      method: "GET",
      url: "/instance/status",
      tag,
      summary: "The store (engine, location without password) and counts of what it holds; instance keys only",
      output: instanceStatusSchema,
    },
    async ({ ctx }) => instanceStatusObject(await instanceStatus(ctx)),
  ),
};
