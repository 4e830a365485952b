// React example: what a signed-in member sees, decided by useAuth() and <Protect> from the session token's claims.
/** @jsxRuntime automatic @jsxImportSource react */
// UI only: the token is decoded, not verified, in the browser; the server verifies every request.
import { Protect, useAuth } from "clerk/react";

export function App() {
  const { isSignedIn, userId, orgSlug, orgRole, has } = useAuth();
  if (!isSignedIn) return <p>Please sign in.</p>;
  return (
    <main>
      <h1>
        {userId} in {orgSlug ?? "no organization"} ({orgRole ?? "no role"})
      </h1>
      <Protect permission="org:reports:read" fallback={<p>No access to reports.</p>}>
        <section>Reports</section>
      </Protect>
      <Protect permission="org:code:read" resource="repository:web-app" fallback={<p>web-app is hidden.</p>}>
        <section>Repository web-app</section>
      </Protect>
      <Protect role="org:admin">
        <a href="/admin">Admin</a>
      </Protect>
      {has({ permission: "org:code:write", resource: "path:docs/" }) ? <button type="button">Edit docs</button> : null}
    </main>
  );
}
