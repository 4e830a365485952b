// The limits feature's public face: request counters shared by the servers of one instance.
export { addHits, forgetHitsBefore, hitsOf } from "./limit.service.js";
export type { RateLimitHitsTable } from "./limit.table.js";
