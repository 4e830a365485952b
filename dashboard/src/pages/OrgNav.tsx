// The links between an organization's pages, and its breadcrumb.
import type { ReactNode } from "react";
import { Link, useLocation } from "../router.js";

const TABS = [
  { to: "", label: "Members" },
  { to: "/matrix", label: "Permission matrix" },
  { to: "/graph", label: "Role graph" },
  { to: "/workflows", label: "Workflows" },
  { to: "/health", label: "Health" },
  { to: "/settings", label: "Settings" },
];

/** The crumbs ("Organizations / Engineering / …") and the organization's tabs. */
export function OrgNav({ slug, name, here }: { slug: string; name: string; here?: ReactNode }) {
  const { path } = useLocation();
  const base = `/orgs/${encodeURIComponent(slug)}`;
  return (
    <>
      <p className="crumbs">
        <Link to="/">Organizations</Link> / {here ? <Link to={base}>{name}</Link> : name}
        {here ? <> / {here}</> : null}
      </p>
      <nav aria-label={`${name} pages`} className="tabs">
        <ul>
          {TABS.map((t) => (
            <li key={t.to}>
              <Link to={`${base}${t.to}`} current={path === `${base}${t.to}`}>
                {t.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
    </>
  );
}
