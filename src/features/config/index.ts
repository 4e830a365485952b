// The configuration-as-code feature's public face.
export { applyConfig, planConfig } from "./config.service.js";
export { configText, exportConfig } from "./config.export.js";
export { loadConfig, parseConfigText } from "./config.load.js";
export { type Config, configJsonSchema, configSchema } from "./config.schema.js";
export { type Change, type Plan, makePlan } from "./config.plan.js";
export { configOperations } from "./config.operations.js";
