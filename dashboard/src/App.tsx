// The dashboard's frame: who is signed in, the navigation, and the page the URL names.
import { type ReactNode, Suspense, lazy, useEffect } from "react";
import { ApiError, type Me, api } from "./api.js";
import { Approvals } from "./pages/Approvals.js";
import { Audit } from "./pages/Audit.js";
import { OrganizationPage } from "./pages/Organization.js";
import { Organizations } from "./pages/Organizations.js";
import { RolePage } from "./pages/Role.js";
import { RoleEdit } from "./pages/RoleEdit.js";
import { Matrix } from "./pages/Matrix.js";
import { MemberPage } from "./pages/Member.js";
import { OrgSettings } from "./pages/OrgSettings.js";
import { SsoPage } from "./pages/Sso.js";
import { Health } from "./pages/Health.js";
import { Keys } from "./pages/Keys.js";
import { Notifications } from "./pages/Notifications.js";
import { Settings } from "./pages/Settings.js";
import { RunPage, Runs } from "./pages/Runs.js";
import { WorkflowPage, Workflows } from "./pages/Workflows.js";
import { Users } from "./pages/Users.js";
import { Link, match, useLocation } from "./router.js";
import { ErrorMessage, Loading, useLoad } from "./ui.js";

// The graph page brings React Flow and dagre: loaded only when opened.
const RoleGraph = lazy(() => import("./pages/RoleGraph.js"));

const NAV = [
  { to: "/", label: "Organizations" },
  { to: "/approvals", label: "Approvals" },
  { to: "/audit", label: "Audit log" },
  { to: "/users", label: "Users" },
  { to: "/notifications", label: "Notifications" },
  { to: "/keys", label: "Keys" },
  { to: "/settings", label: "Instance settings" },
];

export function App() {
  const [me] = useLoad("me", () => api<Me>("GET", "/dashboard/session"));
  const signedOut = me.state === "error" && me.error instanceof ApiError && me.error.status === 401;
  useEffect(() => {
    if (signedOut) {
      const back = `${window.location.pathname}${window.location.search}`;
      window.location.assign(`/sign-in?redirect_url=${encodeURIComponent(back)}`);
    }
  }, [signedOut]);
  if (me.state === "loading")
    return (
      <Frame>
        <Loading what="your session" />
      </Frame>
    );
  if (me.state === "error")
    return <Frame>{signedOut ? <Loading what="the sign-in page" /> : <ErrorMessage error={me.error} />}</Frame>;
  return (
    <Frame me={me.value}>
      <Route admin={me.value.instance_admin} />
    </Frame>
  );
}

/** Ends the session on the server (so the cookie is worthless everywhere), then shows the sign-in page. */
async function signOut(): Promise<void> {
  await fetch("/sign-out", { method: "POST", credentials: "same-origin", headers: { "x-clerk-dashboard": "1" } });
  window.location.assign("/sign-in?redirect_url=%2Fdashboard");
}

function Frame({ me, children }: { me?: Me; children: ReactNode }) {
  const { path } = useLocation();
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header>
        <span className="brand">clerk</span>
        <nav aria-label="Main">
          <ul>
            {NAV.map((n) => (
              <li key={n.to}>
                <Link
                  to={n.to}
                  current={n.to === "/" ? path === "/" || path.startsWith("/orgs") : path.startsWith(n.to)}
                >
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        {me ? (
          <span className="who">
            {me.label}
            {me.instance_admin ? " (admin)" : ""}{" "}
            <button type="button" className="link" onClick={() => void signOut()}>
              Sign out
            </button>
          </span>
        ) : null}
      </header>
      <main id="main">{children}</main>
    </>
  );
}

function Route({ admin }: { admin: boolean }) {
  const { path, query } = useLocation();
  let params: Record<string, string> | null;
  if (path === "/") return <Organizations admin={admin} />;
  if ((params = match("/orgs/:org", path))) return <OrganizationPage slug={params.org as string} query={query} />;
  if ((params = match("/orgs/:org/roles/new", path))) return <RoleEdit slug={params.org as string} role={null} />;
  if ((params = match("/orgs/:org/roles/:role/edit", path)))
    return <RoleEdit slug={params.org as string} role={params.role as string} />;
  if ((params = match("/orgs/:org/members/:user", path)))
    return <MemberPage slug={params.org as string} user={params.user as string} />;
  if ((params = match("/orgs/:org/settings", path))) return <OrgSettings slug={params.org as string} />;
  if ((params = match("/orgs/:org/workflows", path))) return <Workflows slug={params.org as string} />;
  if ((params = match("/workflows/:id", path))) return <WorkflowPage id={params.id as string} query={query} />;
  if (path === "/runs") return <Runs query={query} />;
  if ((params = match("/runs/:id", path))) return <RunPage id={params.id as string} />;
  if ((params = match("/sso/:id", path))) return <SsoPage id={params.id as string} />;
  if ((params = match("/orgs/:org/matrix", path))) return <Matrix slug={params.org as string} query={query} />;
  if ((params = match("/orgs/:org/graph", path)))
    return (
      <Suspense fallback={<Loading what="the graph" />}>
        <RoleGraph slug={params.org as string} />
      </Suspense>
    );
  if ((params = match("/orgs/:org/roles/:role", path)))
    return <RolePage slug={params.org as string} role={params.role as string} />;
  if (path === "/approvals") return <Approvals />;
  if (path === "/audit") return <Audit query={query} />;
  if (path === "/users") return <Users />;
  if (path === "/notifications") return <Notifications />;
  if (path === "/keys") return <Keys />;
  if (path === "/settings") return <Settings />;
  if ((params = match("/orgs/:org/health", path))) return <Health slug={params.org as string} />;
  return (
    <>
      <h1>Not found</h1>
      <p>
        No dashboard page at {path}. <Link to="/">Go to the organizations</Link>.
      </p>
    </>
  );
}
