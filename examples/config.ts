// The SDK options every example reads from the environment (see examples/README.md).
import type { ClerkSdkOptions } from "clerk/sdk";

const apiUrl = process.env.CLERK_API_URL ?? "http://127.0.0.1:3000";

/** Networkless with CLERK_JWT_KEY, else the server's JWKS; the API only for overflowed tokens. */
export const sdkOptions: ClerkSdkOptions = {
  ...(process.env.CLERK_JWT_KEY
    ? { jwtKey: process.env.CLERK_JWT_KEY }
    : { jwksUrl: process.env.CLERK_JWKS_URL ?? `${apiUrl}/.well-known/jwks.json` }),
  ...(process.env.CLERK_SECRET_KEY ? { apiUrl, secretKey: process.env.CLERK_SECRET_KEY } : {}),
};

export const port = Number(process.env.PORT ?? 4000);
