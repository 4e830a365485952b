// A real OpenID Connect provider for tests: oidc-provider on loopback, with one confidential client. Its login
// interaction signs in whoever the test names (no form), and consent is implied, so a browser-less client that
// follows redirects with a cookie jar walks the whole authorization code flow.
import { type JsonWebKey, generateKeyPairSync } from "node:crypto";
import { type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** The part of oidc-provider this IdP uses (the package ships no types). */
interface OidcProvider {
  callback(): (req: unknown, res: unknown) => void;
  interactionFinished(req: unknown, res: unknown, result: unknown, options: unknown): Promise<void>;
  Grant: new (init: { clientId: string; accountId: string }) => {
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    save(): Promise<string>;
  };
}
type ProviderClass = new (issuer: string, configuration: Record<string, unknown>) => OidcProvider;

export interface OidcUser {
  email: string;
  groups?: string[];
}

export interface TestOidcIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Who the next login signs in. */
  user: OidcUser;
  /** The provider's signing key (RS256, kid `idp-key`), for a test that re-signs a token as a compromised IdP would. */
  signingKey: JsonWebKey & { kid: string };
  /** When set, the ID token the token endpoint answers is replaced by what this returns (an attacker's token). */
  forgeIdToken?: ((idToken: string) => Promise<string>) | undefined;
  /** Opens the provider, its client redirecting only to `redirectUri`. */
  register(redirectUri: string): void;
  close(): Promise<void>;
}

/** Starts the provider's server on a free loopback port (its issuer is known before its client is registered). */
export async function startOidcIdp(): Promise<TestOidcIdp> {
  const moduleName = "oidc-provider";
  const { default: Provider } = (await import(moduleName)) as { default: ProviderClass };
  const state: { provider?: OidcProvider } = {};
  const server = createServer((req, res) => {
    const provider = state.provider as OidcProvider;
    if (req.method === "POST" && req.url === "/token" && idp.forgeIdToken) rewriteIdToken(res, idp.forgeIdToken);
    if (req.url?.startsWith("/interaction/")) {
      void provider
        .interactionFinished(req, res, { login: { accountId: idp.user.email } }, { mergeWithLastSubmission: false })
        .catch((error: unknown) => res.writeHead(500).end(String(error)));
      return;
    }
    provider.callback()(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const signingKey = {
    ...generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" }),
    kid: "idp-key",
    use: "sig",
    alg: "RS256",
  };
  const idp: TestOidcIdp = {
    issuer,
    signingKey,
    clientId: "clerk-test",
    clientSecret: "a-long-enough-client-secret-for-hs256-0123456789",
    user: { email: "nobody@example.com" },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    register: (redirectUri) => {
      state.provider = providerFor(redirectUri);
    },
  };
  const providerFor = (redirectUri: string) =>
    new Provider(issuer, {
      clients: [
        {
          client_id: idp.clientId,
          client_secret: idp.clientSecret,
          redirect_uris: [redirectUri],
          grant_types: ["authorization_code"],
          response_types: ["code"],
        },
      ],
      cookies: { keys: ["clerk-test-cookie-key"] },
      jwks: { keys: [signingKey] },
      claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["groups"] },
      features: { devInteractions: { enabled: false } },
      interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
      findAccount: async (_ctx: unknown, id: string) => ({
        accountId: id,
        claims: async () => ({ sub: id, email: id, email_verified: true, groups: idp.user.groups ?? [] }),
      }),
      // Consent is implied: every login gets a grant for what the client asked.
      loadExistingGrant: async (ctx: { oidc: { client: { clientId: string }; session: { accountId: string } } }) => {
        const grant = new (state.provider as OidcProvider).Grant({
          clientId: ctx.oidc.client.clientId,
          accountId: ctx.oidc.session.accountId,
        });
        grant.addOIDCScope("openid email profile");
        grant.addOIDCClaims(["email", "email_verified", "groups"]);
        await grant.save();
        return grant;
      },
    });
  return idp;
}

/** Holds back the token endpoint's JSON answer and sends it with its `id_token` replaced. */
function rewriteIdToken(res: ServerResponse, forge: (idToken: string) => Promise<string>): void {
  const chunks: Buffer[] = [];
  const end = res.end.bind(res) as (body?: Buffer) => ServerResponse;
  res.write = ((chunk: string | Buffer) => {
    chunks.push(Buffer.from(chunk));
    return true;
  }) as ServerResponse["write"];
  res.end = ((chunk?: string | Buffer) => {
    if (chunk !== undefined && typeof chunk !== "function") chunks.push(Buffer.from(chunk));
    const answer = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { id_token?: string };
    if (!answer.id_token) return end(Buffer.concat(chunks));
    void forge(answer.id_token).then((forged) => {
      const body = Buffer.from(JSON.stringify({ ...answer, id_token: forged }), "utf8");
      res.setHeader("content-length", body.length);
      end(body);
    });
    return res;
  }) as ServerResponse["end"];
}
