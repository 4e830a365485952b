// The rate-limit counters several servers share (PostgreSQL): hits per key per fixed window.
/** A row of `rate_limit_hits`: how many requests `key` made in the window starting at `window_start` (Unix ms). */
export interface RateLimitHitsTable {
  key: string;
  window_start: number;
  count: number;
}
