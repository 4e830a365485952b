// The SSO feature's public face: enterprise connections, and the sign-in steps the HTTP adapter calls.
export {
  type Connection,
  connectionForEmail,
  createConnection,
  deleteConnection,
  getConnection,
  listConnections,
  updateConnection,
} from "./connection.service.js";
export { finishOidcSignIn, startOidcSignIn } from "./oidc.service.js";
export { finishSamlSignIn, spMetadata, startSamlSignIn } from "./saml.service.js";
export { type SignedIn } from "./signin.service.js";
export { checkedRedirect, oidcCallbackUrl, onLoopback, publicUrl } from "./sso.urls.js";
