// Shared pieces: loading, error and empty states, and a hook that loads data from the API.
import { type ReactNode, useCallback, useEffect, useState } from "react";
import { ApiError } from "./api.js";

/** What a load is doing: loading, failed (with the API's words), or done. */
export type Load<T> = { state: "loading" } | { state: "error"; error: ApiError | Error } | { state: "done"; value: T };

/** Loads with `fetcher` whenever `key` changes; `reload` loads again. */
export function useLoad<T>(key: string, fetcher: () => Promise<T>): [Load<T>, () => void] {
  const [load, setLoad] = useState<Load<T>>({ state: "loading" });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setLoad({ state: "loading" });
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
