// Shared pieces: loading, error and empty states, and a hook that loads data from the API.
import { type ReactNode, useCallback, useEffect, useRef, useState } from "react";
import { ApiError } from "./api.js";

/** What a load is doing: loading, failed (with the API's words), or done. */
export type Load<T> = { state: "loading" } | { state: "error"; error: ApiError | Error } | { state: "done"; value: T };

/** Loads with `fetcher` whenever `key` changes; `reload` loads again. */
export function useLoad<T>(key: string, fetcher: () => Promise<T>): [Load<T>, () => void] {
  const [load, setLoad] = useState<Load<T>>({ state: "loading" });
  const [tick, setTick] = useState(0);
  const shown = useRef(key);
  useEffect(() => {
    let live = true;
    // A reload of the same data keeps what is shown (and the forms on it) until the new answer comes.
    if (shown.current !== key || load.state !== "done") setLoad({ state: "loading" });
    shown.current = key;
    fetcher().then(
      (value) => live && setLoad({ state: "done", value }),
      (error: Error) => live && setLoad({ state: "error", error }),
    );
    return () => {
      live = false;
    };
    // The key names everything the fetcher reads, so the fetcher itself is not a dependency.
  }, [key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return [load, reload];
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function ErrorMessage({ error }: { error: Error }) {
  return (
    <div className="error" role="alert">
      {error instanceof ApiError && error.status === 403 ? <strong>Not allowed: </strong> : null}
      {error.message}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** Renders a load's three states; `children` gets the value. */
export function Loaded<T>({
  load,
  what,
  children,
}: {
  load: Load<T>;
  what: string;
  children: (value: T) => ReactNode;
}) {
  if (load.state === "loading") return <Loading what={what} />;
  if (load.state === "error") return <ErrorMessage error={load.error} />;
  return <>{children(load.value)}</>;
}

/** A date as people read it, in their locale. */
export function when(ms: number | string | null): string {
  if (ms === null) return "never";
  return new Date(ms).toLocaleString();
}

/** The state of a write: running, failed (in the API's words) or done (with what to say). */
export function useAction(): {
  busy: boolean;
  error: Error | null;
  done: string | null;
  run: (what: () => Promise<string | void>) => Promise<boolean>;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const run = useCallback(async (what: () => Promise<string | void>) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const said = await what();
      setDone(said ?? null);
      return true;
    } catch (err) {
      setError(err as Error);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, done, run };
}

/** What a write said: its error (role=alert) or its success (role=status). */
export function Outcome({ error, done }: { error: Error | null; done: string | null }) {
  if (error) return <ErrorMessage error={error} />;
  if (done)
    return (
      <p role="status" className="ok">
        {done}
      </p>
    );
  return null;
}

/** The message of an API refusal about `param`, shown beside that field (null when the refusal is about another). */
export function fieldError(error: Error | null, param: string): string | null {
  return error instanceof ApiError && error.param === param ? error.message : null;
}

/** A Unix-ms expiry as a date input's value (YYYY-MM-DD), or "". A date typed in means "through that day, UTC",
 * stored as the next midnight; it reads back as the day typed. */
export function dateValue(ms: number | null): string {
  if (ms === null) return "";
  return new Date(ms % 86_400_000 === 0 ? ms - 1 : ms).toISOString().slice(0, 10);
}

/** An expiry as people read it: "never", "through 2099-12-31 (UTC)" for a whole day, else the local time. */
export function expiry(ms: number | null): string {
  if (ms === null) return "never";
  return ms % 86_400_000 === 0 ? `through ${dateValue(ms)} (UTC)` : when(ms);
}

/** A list typed as "a, b, c". */
export function splitList(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}
