// The refusal protect() throws: an HTTP status and a Clerk-shaped JSON body that every adapter can send as is.

/**
 * 400 a request path a route matcher cannot read, 401 signed out, 403/404 not allowed, 503 the permissions
 * needed for the decision could not be fetched.
 */
export type ProtectStatus = 400 | 401 | 403 | 404 | 503;

const CODES: Record<ProtectStatus, { code: string; message: string }> = {
  400: { code: "request_path_invalid", message: "The request path is not valid percent-encoded UTF-8." },
  401: { code: "authentication_invalid", message: "Sign in to access this resource." },
  403: {
    code: "missing_organization_permission",
    message: "You are not allowed to do this in the active organization.",
  },
  404: { code: "resource_not_found", message: "Not found." },
  503: { code: "authorization_unavailable", message: "Permissions could not be loaded; try again shortly." },
};

/**
 * Thrown by `auth.protect()` (and, with status 400, by a route matcher given a path it cannot decode). Carries `status`/`statusCode` (which Express's and Fastify's default error
 * handlers honour) and `getResponse()` (which Hono's honours), so an unhandled throw still answers right.
 * @example
 * try {
 *   auth.protect({ permission: "org:invoices:read" });
 * } catch (error) {
 *   if (error instanceof ProtectError) return res.writeHead(error.status).end(JSON.stringify(error.body));
 *   throw error;
 * }
 */
export class ProtectError extends Error {
  readonly status: ProtectStatus;
  readonly statusCode: ProtectStatus;
  /** A stable code, the one the JSON body carries (Clerk's error codes where one fits). */
  readonly code: string;

  constructor(status: ProtectStatus) {
    const { code, message } = CODES[status];
    super(message);
    this.name = this.constructor.name;
    this.status = status;
    this.statusCode = status;
    this.code = code;
  }

  /** The JSON body to answer with: `{ errors: [{ code, message }] }`, Clerk's error shape. */
  get body(): { errors: { code: string; message: string }[] } {
    return { errors: [{ code: this.code, message: this.message }] };
  }

  /** The answer as a fetch `Response`, for fetch-style frameworks. */
  getResponse(): Response {
    return new Response(JSON.stringify(this.body), {
      status: this.status,
      headers: { "content-type": "application/json; charset=utf-8" },
    });
  }
}
