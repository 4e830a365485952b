// Session tokens for SDK tests: signing keys, a minter following the claims contract, and loopback servers that record requests.
import { type KeyObject, createHmac, generateKeyPairSync, randomUUID, sign } from "node:crypto";
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type ClaimsVersion, type OrgAuthorization, encodeOrgClaims } from "../../src/sdk/claims.js";

export type TestAlg = "RS256" | "ES256" | "EdDSA";

/** A signing key pair with its public JWK and PEM, as the server would publish them. */
export interface TestKey {
  kid: string;
  alg: TestAlg;
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwk: Record<string, unknown>;
  pem: string;
}

/** Generates a key pair for `alg` (RSA 2048, P-256 or Ed25519). */
export function generateTestKey(
  alg: TestAlg = "RS256",
  kid = `ins_${alg.toLowerCase()}_${randomUUID().slice(0, 8)}`,
): TestKey {
  const pair =
    alg === "RS256"
      ? generateKeyPairSync("rsa", { modulusLength: 2048 })
      : alg === "ES256"
        ? generateKeyPairSync("ec", { namedCurve: "P-256" })
        : generateKeyPairSync("ed25519");
  const jwk = { ...pair.publicKey.export({ format: "jwk" }), kid, alg, use: "sig" };
  return {
    kid,
    alg,
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    jwk,
    pem: pair.publicKey.export({ format: "pem", type: "spki" }).toString(),
  };
}

export const b64url = (value: unknown): string =>
  Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

/** Signs `header.payload` with the key's own algorithm and returns the compact JWT. */
export function signJwt(header: Record<string, unknown>, payload: Record<string, unknown>, key: TestKey): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  const signature =
    key.alg === "RS256"
      ? sign("sha256", Buffer.from(input), key.privateKey)
      : key.alg === "ES256"
        ? sign("sha256", Buffer.from(input), { key: key.privateKey, dsaEncoding: "ieee-p1363" })
        : sign(null, Buffer.from(input), key.privateKey);
  return `${input}.${signature.toString("base64url")}`;
}

/** An HS256 token whose HMAC secret is `secret` (the classic key-confusion attack uses the public PEM). */
export function signHs256(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  secret: string | Buffer,
): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
}

/** What a test session token says. Times are Unix ms; the token carries seconds. */
export interface SessionSpec {
  userId?: string;
  sessionId?: string;
  issuer?: string;
  azp?: string;
  now: number;
  ttlSeconds?: number;
  org?: OrgAuthorization;
  version?: ClaimsVersion;
  /** The overflow form: role only, with cx.ovf. */
  overflow?: boolean;
  extra?: Record<string, unknown>;
}

/** The payload our server mints for `spec`, following the claims contract of src/sdk/claims.ts. */
export function sessionPayload(spec: SessionSpec): Record<string, unknown> {
  const iat = Math.floor(spec.now / 1000);
  return {
    sub: spec.userId ?? "user_alice",
    sid: spec.sessionId ?? "sess_1",
    iss: spec.issuer ?? "https://clerk.test",
    ...(spec.azp ? { azp: spec.azp } : {}),
    iat,
    nbf: iat,
    exp: iat + (spec.ttlSeconds ?? 60),
    jti: randomUUID(),
    ...encodeOrgClaims(spec.org, spec.version ?? 2, !spec.overflow),
    ...spec.extra,
  };
}

/** A signed session token for `spec`. */
export function mintSessionToken(key: TestKey, spec: SessionSpec, header: Record<string, unknown> = {}): string {
  return signJwt({ alg: key.alg, kid: key.kid, typ: "JWT", ...header }, sessionPayload(spec), key);
}

/** One request a test server received. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** A loopback HTTP server that records every request before handing it to `handle`. */
export interface TestServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Starts a recording server on 127.0.0.1 and a free port. */
export async function startTestServer(
  handle: (req: RecordedRequest, res: ServerResponse) => void,
): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const recorded = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      requests.push(recorded);
      handle(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

/** Sends a JSON answer. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}
