// Fires N copies of a call at once and collects what each ended with, for the race tests (PostgreSQL is where races show).

/** What one copy ended with: its value, or the error's code (and HTTP status, for a request). */
export type Outcome<T> =
  | { readonly ok: true; readonly value: T; readonly status?: number }
  | { readonly ok: false; readonly code: string; readonly status?: number; readonly error: unknown };

/**
 * Starts `n` copies of `call` in the same tick (none awaits another) and waits for all of them. A rejection is
 * collected with its `code` (a ClerkError's, a database error's, or the error's name), never thrown.
 */
export async function fireAtOnce<T>(n: number, call: (i: number) => Promise<T>): Promise<Outcome<T>[]> {
  const started = Array.from({ length: n }, (_, i) => call(i));
  const settled = await Promise.allSettled(started);
  return settled.map((s) => {
    if (s.status === "fulfilled") return { ok: true, value: s.value };
    const e = s.reason as { code?: unknown; name?: unknown; status?: unknown };
    const code = typeof e?.code === "string" ? e.code : typeof e?.name === "string" ? e.name : String(s.reason);
    return { ok: false, code, status: typeof e?.status === "number" ? e.status : undefined, error: s.reason };
  });
}

/** One HTTP request of a race: where it goes, as whom (`Clerk-Act-As`), and its JSON body. */
export interface RaceRequest {
  readonly method?: string;
  readonly path: string;
  readonly actAs?: string;
  readonly body?: unknown;
}

/**
 * Sends `n` requests at once to the API at `url` with the instance `secret`; a 2xx is fulfilled with its JSON body,
 * anything else is collected with its status and clerk's own code of the first error (`meta.clerk_code`).
 */
export async function requestsAtOnce(
  url: string,
  secret: string,
  n: number,
  request: (i: number) => RaceRequest,
): Promise<Outcome<unknown>[]> {
  return fireAtOnce(n, async (i) => {
    const r = request(i);
    const headers: Record<string, string> = { authorization: `Bearer ${secret}` };
    if (r.actAs !== undefined) headers["clerk-act-as"] = r.actAs;
    if (r.body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(`${url}/v1${r.path}`, {
      method: r.method ?? "POST",
      headers,
      body: r.body === undefined ? undefined : JSON.stringify(r.body),
    });
    const body = (await res.json()) as { errors?: { meta?: { clerk_code?: string } }[] };
    if (res.ok) return { status: res.status, body };
    throw Object.assign(new Error(`HTTP ${res.status}`), {
      status: res.status,
      code: body.errors?.[0]?.meta?.clerk_code ?? "",
    });
  }).then((outcomes) =>
    outcomes.map((o) =>
      o.ok ? { ok: true as const, value: (o.value as { body: unknown }).body, status: o.value.status } : o,
    ),
  );
}

/** How many copies ended each way: `{ ok: 1, "approval.already_decided": 23 }`. */
export function tally(outcomes: readonly Outcome<unknown>[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) {
    const key = o.ok ? "ok" : o.code;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
