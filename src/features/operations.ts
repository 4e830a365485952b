// Every feature's operations, in the order the server mounts them and the docs list them. The HTTP server
// serves this catalogue, the CLI calls into it, and the OpenAPI document (later MCP) describes it.
import type { Operation } from "../operations/index.js";
import { keyOperations } from "./keys/key.operations.js";
import { ssoOperations } from "./sso/sso.operations.js";

type Table = Readonly<Record<string, Operation>>;
// Each table keeps its precise types for its callers; the catalogue only needs what every operation shares.
const table = (operations: object): Table => operations as Table;

export const OPERATIONS: Readonly<Record<string, Table>> = {
  keys: table(keyOperations),
  sso: table(ssoOperations),
};
