// Reading what an IdP publishes (metadata, discovery, keys) from URLs an instance admin gave: bounded in time and
// size, since the admin's URL may point anywhere.
const FETCH_TIMEOUT_MS = 10_000;
const MAX_BYTES = 1_048_576;

/** The body of a URL as text: refused past 10 s, past 1 MB, or on a status other than 2xx. */
export async function fetchText(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: "follow" });
  if (!res.ok) throw new Error(`it answered HTTP ${res.status}`);
  const text = await res.text();
  if (Buffer.byteLength(text) > MAX_BYTES) throw new Error("it answered more than 1 MB");
  return text;
}

/** The error's words, with the network's code when fetch hides it ("fetch failed (ECONNREFUSED)"). */
export function reason(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const code = (e.cause as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? `${e.message} (${code})` : e.message;
}
