// The CLI's typed client: every command calls the API's endpoints, in-process (local) or over HTTP (remote).
import type { z } from "zod";
import type { ServiceContext } from "../context.js";
import { ClerkError, ERROR_CODES, type ErrorCode } from "../errors.js";
import {
  type Operation,
  type OperationCall,
  type StreamedBody,
  type StreamedOutput,
  invoke,
} from "../operations/index.js";

/**
 * One call shape for both transports. Results are plain JSON either way (local results go through
 * JSON too), so a command prints the same thing whichever transport carried it.
 */
export interface Api {
  readonly remote: boolean;
  call<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, O extends z.ZodType>(
    e: Operation<P, Q, B, O>,
    input?: OperationCall<P, Q, B>,
  ): Promise<z.output<O>>;
  /** Calls an endpoint whose answer is a streamed body (an export); resolves once it has started, with its chunks. */
  stream<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
    e: Operation<P, Q, B, StreamedOutput>,
    input?: OperationCall<P, Q, B>,
  ): Promise<AsyncIterable<string | Uint8Array>>;
}

/** Query values travel as strings over HTTP; the local transport sends them the same way so both parse alike. */
function queryStrings(query: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (v !== undefined && v !== null) out[k] = String(v);
  }
  return out;
}

const roundTrip = <R>(value: R): R => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as R));

/** Calls endpoints in this process, as `ctx`'s actor, through the same parsing as the server. */
export function localApi(ctx: ServiceContext): Api {
  return {
    remote: false,
    call: async (e, input = {}) =>
      roundTrip(
        await invoke(e, ctx, { params: input.params, query: queryStrings(input.query), body: input.body }),
      ) as never,
    stream: async (e, input = {}) =>
      (
        (await invoke(e, ctx, {
          params: input.params,
          query: queryStrings(input.query),
          body: input.body,
        })) as StreamedBody
      ).chunks,
  };
}

/** Options of the HTTP transport. */
export interface RemoteOptions {
  /** The server's base URL, e.g. http://127.0.0.1:3000 (a trailing /v1 is accepted). */
  url: string;
  secretKey: string;
  /** Act as this member (instance secret keys only), held to their permissions. */
  actAs?: string | undefined;
  fetch?: typeof fetch;
}

/** The header an instance secret key uses to act as a member; see `actorFor`. */
export const ACT_AS_HEADER = "clerk-act-as";

function pathOf(url: string, params: Record<string, unknown>): string {
  return url.replace(/:([a-z_]+)/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined || value === null) throw new TypeError(`missing path parameter ${name} for ${url}`);
    return encodeURIComponent(String(value));
  });
}

/** Rebuilds the server's error from Clerk's envelope, so exit codes and messages match local mode. */
function errorFrom(status: number, body: unknown): ClerkError {
  const first = (
    body as {
      errors?: {
        code?: string;
        message?: string;
        long_message?: string;
        meta?: { clerk_code?: string; param_name?: string; details?: Record<string, unknown> };
      }[];
    }
  )?.errors?.[0];
  const known = first?.meta?.clerk_code;
  const code: ErrorCode =
    known && known in ERROR_CODES
      ? (known as ErrorCode)
      : status === 401
        ? "auth.unauthenticated"
        : status === 429
          ? "request.rate_limited"
          : "internal";
  const message = first?.long_message ?? first?.message ?? `The server answered ${status} without an error message.`;
  return new ClerkError(code, message, { param: first?.meta?.param_name, details: first?.meta?.details });
}

/** Calls endpoints on a running `clerk serve` with a secret key. */
export function remoteApi(options: RemoteOptions): Api {
  const base = options.url.replace(/\/+$/, "").replace(/\/v1$/, "");
  const doFetch = options.fetch ?? fetch;
  /** Sends the request; an unreachable server is a clear error, not fetch's TypeError. */
  const send = async (
    e: Operation,
    input: OperationCall<z.ZodType, z.ZodType, z.ZodType>,
    accept: string,
  ): Promise<Response> => {
    const query = new URLSearchParams(queryStrings(input.query)).toString();
    const target = `${base}/v1${pathOf(e.spec.url, (input.params ?? {}) as Record<string, unknown>)}${query ? `?${query}` : ""}`;
    const headers: Record<string, string> = { authorization: `Bearer ${options.secretKey}`, accept };
    if (options.actAs) headers[ACT_AS_HEADER] = options.actAs;
    if (input.body !== undefined) headers["content-type"] = "application/json";
    try {
      return await doFetch(target, {
        method: e.spec.method,
        headers,
        body: input.body === undefined ? undefined : JSON.stringify(input.body),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new ClerkError(
        "remote.unreachable",
        `Could not reach clerk at ${base} (${reason}). Is "clerk serve" running there, and is CLERK_API_URL right?`,
        { cause: error },
      );
    }
  };
  const jsonOf = async (response: Response): Promise<unknown> => {
    const text = await response.text();
    try {
      return text === "" ? undefined : JSON.parse(text);
    } catch {
      throw new ClerkError(
        "remote.unreachable",
        `${base} answered ${response.status} with something that is not clerk's JSON; is CLERK_API_URL the address of "clerk serve"?`,
      );
    }
  };
  return {
    remote: true,
    call: async (e, input = {}) => {
      const response = await send(
        e as unknown as Operation,
        input as OperationCall<z.ZodType, z.ZodType, z.ZodType>,
        "application/json",
      );
      const body = await jsonOf(response);
      if (!response.ok) throw errorFrom(response.status, body);
      return body as never;
    },
    stream: async (e, input = {}) => {
      const response = await send(
        e as unknown as Operation,
        input as OperationCall<z.ZodType, z.ZodType, z.ZodType>,
        "*/*",
      );
      if (!response.ok) throw errorFrom(response.status, await jsonOf(response));
      if (!response.body)
        throw new ClerkError("remote.unreachable", `${base} answered ${response.status} without a body to stream.`);
      return response.body as unknown as AsyncIterable<Uint8Array>;
    },
  };
}

/** A page of a list endpoint, Clerk's `{ data, total_count }`. */
export interface Page<T> {
  data: T[];
  total_count: number;
}

/** Every item of a paginated list: pages of 500 until `total_count` is reached. */
export async function listAll<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, T>(
  api: Api,
  e: Operation<P, Q, B, z.ZodType<Page<T>>>,
  input: OperationCall<P, Q, B> = {},
): Promise<T[]> {
  const items: T[] = [];
  for (;;) {
    const page = await api.call(e, {
      ...input,
      query: { ...(input.query as object), limit: 500, offset: items.length } as z.input<Q>,
    });
    items.push(...page.data);
    if (page.data.length === 0 || items.length >= page.total_count) return items;
  }
}
