// Turns every failure into Clerk's error envelope with the status from the one error table; never a stack trace.
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { ClerkError, ERROR_CODES, type ErrorCode, asClerkError } from "../errors.js";

/** The body Clerk's Backend API sends for errors (and `@clerk/backend` parses into ClerkAPIResponseError). */
export function envelope(error: ClerkError, traceId: string) {
  return {
    errors: [
      {
        code: error.spec.clerk,
        message: error.message,
        long_message: error.message,
        meta: {
          ...(error.param ? { param_name: error.param } : {}),
          clerk_code: error.code,
          ...(Object.keys(error.details).length > 0 ? { details: error.details } : {}),
        },
      },
    ],
    clerk_trace_id: traceId,
  };
}

const FASTIFY_CODES: Record<string, [ErrorCode, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    "request.unsupported_content_type",
    "Send the body as JSON with Content-Type: application/json.",
  ],
  FST_ERR_CTP_BODY_TOO_LARGE: ["request.too_large", "The request body is larger than 1 MB."],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ["request.malformed", "The Content-Length header does not match the body."],
};

/** Maps any thrown value to a ClerkError; unexpected ones become `internal` and are logged, not shown. */
export function toClerkError(error: unknown, request: FastifyRequest): ClerkError {
  const clerkError = asClerkError(error);
  if (clerkError) return clerkError;
  const fastifyError = error as FastifyError;
  const known = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (known) return new ClerkError(known[0], known[1]);
  if (fastifyError.statusCode === 429) return new ClerkError("request.rate_limited", fastifyError.message);
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new ClerkError("request.malformed", fastifyError.message);
  }
  request.log.error({ err: error }, "unexpected error");
  return new ClerkError(
    "internal",
    "Something went wrong on the server; the request changed nothing. The server log has the details.",
  );
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const clerkError = toClerkError(error, request);
  void reply.status(ERROR_CODES[clerkError.code].status).send(envelope(clerkError, String(request.id)));
}
