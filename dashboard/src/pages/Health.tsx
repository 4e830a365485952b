// An organization's health findings, grouped by check, each with the commands that fix it; where the fix is one API
// call (delete an unused role, revoke a grant, retry a message), a button applies it after confirmation.
import { api } from "../api.js";
import { Empty, Loaded, Outcome, useAction, useLoad, when } from "../ui.js";
import { OrgNav } from "./OrgNav.js";

interface Finding {
  check: string;
  organization: string;
  summary: string;
  fix: string[];
  role?: { id: string; key: string; name: string };
  email?: string;
  permission?: string;
  holder?: { type: "role" | "member"; name: string };
  notification?: string;
}

interface Report {
  checked_at: number;
  unused_for: string;
  total_findings: number;
  sections: ({ check: string; title: string } & (
    { available: true; findings: Finding[] } | { available: false; note: string }
  ))[];
}

/** The fix as one API call, described for the confirmation; null when it takes more than a click. */
function applicable(f: Finding): { what: string; call: () => Promise<unknown> } | null {
  const org = encodeURIComponent(f.organization);
  if (f.check === "role.no_members" && f.role)
    return {
      what: `Delete the role ${f.role.name}`,
      call: () => api("DELETE", `/roles/${encodeURIComponent(f.role?.id ?? "")}`),
    };
  if (f.check === "member.over_permissioned" && f.email && f.permission)
    return {
      what: `Revoke ${f.permission} from ${f.email}`,
      call: () =>
        api(
          "DELETE",
          `/organizations/${org}/memberships/${encodeURIComponent(f.email ?? "")}/grants/${encodeURIComponent(f.permission ?? "")}`,
        ),
    };
  if (f.check === "grant.expired" && f.holder && f.permission) {
    const { type, name } = f.holder;
    const path =
      type === "member"
        ? `/organizations/${org}/memberships/${encodeURIComponent(name)}/grants/${encodeURIComponent(f.permission)}`
        : `/organizations/${org}/roles/${encodeURIComponent(name)}/grants/${encodeURIComponent(f.permission)}`;
    return { what: `Remove the expired grant of ${f.permission} from ${name}`, call: () => api("DELETE", path) };
  }
  if (f.check === "notification.dead_lettered" && f.notification)
    return {
      what: `Send the message ${f.notification} again`,
      call: () => api("POST", `/notifications/${encodeURIComponent(f.notification ?? "")}/retry`, {}),
    };
  return null;
}

export function Health({ slug }: { slug: string }) {
  const [load, reload] = useLoad(`health:${slug}`, () =>
    api<Report>("GET", `/organizations/${encodeURIComponent(slug)}/health`),
  );
  const action = useAction();
  const apply = (f: Finding) => {
    const fix = applicable(f);
    if (!fix || !window.confirm(`${fix.what}?\n\n${f.summary}`)) return;
    void action.run(async () => {
      await fix.call();
      reload();
      return `Done: ${fix.what}.`;
    });
  };
  return (
    <>
      <OrgNav slug={slug} name={slug} here="Health" />
      <h1>Health</h1>
      <Outcome error={action.error} done={action.done} />
      <Loaded load={load} what="the health checks">
        {(r) => (
          <>
            <p className="muted">
              {r.total_findings} findings, checked {when(r.checked_at)} (unused means not used for {r.unused_for}).
            </p>
            {r.sections.map((s) => (
              <section key={s.check} aria-label={s.title}>
                <h2>{s.title}</h2>
                {!s.available ? (
                  <p className="muted">{s.note}</p>
                ) : s.findings.length === 0 ? (
                  <Empty>Nothing to fix.</Empty>
                ) : (
                  <ul className="cards">
                    {s.findings.map((f, i) => {
                      const fix = applicable(f);
                      return (
                        <li key={i} className="card">
                          <p>{f.summary}</p>
                          {f.fix.length ? <pre aria-label="Commands that fix it">{f.fix.join("\n")}</pre> : null}
                          {fix ? (
                            <button type="button" className="danger" onClick={() => apply(f)} disabled={action.busy}>
                              Fix: {fix.what}
                            </button>
                          ) : null}
                        </li>
                      );
                    })}
                  </ul>
                )}
              </section>
            ))}
          </>
        )}
      </Loaded>
    </>
  );
}
