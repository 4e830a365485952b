// Clerk's organization components for `clerk/react`: <OrganizationSwitcher/>, <OrganizationList/> and
// <OrganizationProfile/>. They read and write through clerk's /v1 API as the signed-in user; what a member may
// change is the API's decision (write controls show only with the permission, and the API refuses anyway).
import { type ReactNode, createElement as h, useEffect, useId, useState } from "react";
import type { OrganizationMembershipResource, OrganizationResource, RoleResource } from "./org-api.js";
import { useOrganization, useOrganizationList } from "./org-hooks.js";
import { type Appearance, DefaultStyles, classOf, variablesStyle } from "./org-theme.js";
import { useClerkSession } from "./react-session.js";

export type { Appearance, AppearanceVariables } from "./org-theme.js";

/** Where to go after picking an organization: a URL with `:id` / `:slug` filled in, or a function of it. */
export type AfterSelectOrganizationUrl = string | ((organization: OrganizationResource) => string);

/**
 * The URL to go to after selecting `org`, or undefined to stay.
 * @example
 * afterSelectUrl("/orgs/:slug", org) // "/orgs/engineering-team"
 */
export function afterSelectUrl(
  url: AfterSelectOrganizationUrl | undefined,
  org: OrganizationResource,
): string | undefined {
  if (url === undefined) return undefined;
  if (typeof url === "function") return url(org);
  return url.replace(/:id\b/g, encodeURIComponent(org.id)).replace(/:slug\b/g, encodeURIComponent(org.slug));
}

const MANAGE = "org:sys_memberships:manage";
const READ = "org:sys_memberships:read";

/** Props shared by the switcher and the list, named as Clerk's. */
export interface OrganizationSelectProps {
  /** Leave out the personal account (no organization active). */
  hidePersonal?: boolean;
  afterSelectOrganizationUrl?: AfterSelectOrganizationUrl;
  afterSelectPersonalUrl?: string;
  appearance?: Appearance;
}

function Root({ appearance, name, children }: { appearance?: Appearance; name: string; children?: ReactNode }) {
  return h(
    "div",
    {
      className: `${classOf(appearance, "rootBox")} ${classOf(appearance, name)}`,
      style: variablesStyle(appearance?.variables),
    },
    h(DefaultStyles),
    children,
  );
}

function ErrorText({ error, appearance }: { error: Error | null | string; appearance?: Appearance }) {
  if (error === null) return null;
  return h(
    "p",
    { role: "alert", className: classOf(appearance, "alert") },
    typeof error === "string" ? error : error.message,
  );
}

function useSelect({ afterSelectOrganizationUrl, afterSelectPersonalUrl }: OrganizationSelectProps) {
  const { setActive } = useClerkSession("an organization component");
  const [error, setError] = useState<string | null>(null);
  const select = (org: OrganizationResource | null) => {
    setError(null);
    const redirectUrl = org === null ? afterSelectPersonalUrl : afterSelectUrl(afterSelectOrganizationUrl, org);
    setActive({ organization: org === null ? null : org.id, redirectUrl }).catch((e: unknown) =>
      setError((e as Error).message),
    );
  };
  return { select, error };
}

function Preview({ membership, appearance }: { membership: OrganizationMembershipResource; appearance?: Appearance }) {
  return [
    h(
      "span",
      { key: "n", className: classOf(appearance, "organizationPreviewMainIdentifier") },
      membership.organization.name,
    ),
    h(
      "span",
      { key: "r", className: classOf(appearance, "organizationPreviewSecondaryIdentifier") },
      membership.roleName || membership.role,
    ),
  ];
}

/** Props of {@link OrganizationSwitcher}. */
export interface OrganizationSwitcherProps extends OrganizationSelectProps {
  /** Open the list at first render. */
  defaultOpen?: boolean;
}

/**
 * A button naming the active organization that opens the user's organizations to switch to (a new session token
 * with that organization active). Keyboard: Enter/Space opens, Escape closes.
 * @example
 * <OrganizationSwitcher hidePersonal afterSelectOrganizationUrl="/orgs/:slug" />
 */
export function OrganizationSwitcher(props: OrganizationSwitcherProps): ReactNode {
  const { appearance, hidePersonal = false, defaultOpen = false } = props;
  const { auth } = useClerkSession("<OrganizationSwitcher/>");
  const { userMemberships, isLoaded } = useOrganizationList({ userMemberships: { pageSize: 100 } });
  const [open, setOpen] = useState(defaultOpen);
  const { select, error } = useSelect(props);
  const listId = useId();
  if (!isLoaded || auth.userId === null) return null;
  const active = userMemberships.data.find((m) => m.organization.id === auth.orgId);
  const label =
    active?.organization.name ?? (auth.orgId === null ? "Personal account" : (auth.orgSlug ?? "Organization"));
  const choose = (org: OrganizationResource | null) => {
    setOpen(false);
    select(org);
  };
  const items = userMemberships.data
    .filter((m) => m.organization.id !== auth.orgId)
    .map((m) =>
      h(
        "li",
        { key: m.id },
        h(
          "button",
          {
            type: "button",
            className: classOf(appearance, "organizationPreviewButton"),
            onClick: () => choose(m.organization),
          },
          Preview({ membership: m, appearance }),
        ),
      ),
    );
  if (!hidePersonal && auth.orgId !== null)
    items.push(
      h(
        "li",
        { key: "personal" },
        h(
          "button",
          { type: "button", className: classOf(appearance, "organizationPreviewButton"), onClick: () => choose(null) },
          "Personal account",
        ),
      ),
    );
  return h(
    Root,
    { appearance, name: "organizationSwitcher" },
    h(
      "button",
      {
        type: "button",
        className: classOf(appearance, "organizationSwitcherTrigger"),
        "aria-expanded": open,
        "aria-controls": listId,
        onClick: () => setOpen(!open),
      },
      label,
    ),
    open
      ? h(
          "div",
          {
            id: listId,
            className: classOf(appearance, "organizationSwitcherPopoverCard"),
            onKeyDown: (e: { key: string }) => e.key === "Escape" && setOpen(false),
          },
          h(
            "ul",
            { className: classOf(appearance, "organizationSwitcherList"), "aria-label": "Switch organization" },
            items,
          ),
        )
      : null,
    h(ErrorText, { error, appearance }),
  );
}

/**
 * The signed-in user's organizations (and the personal account), each a button that makes it active.
 * @example
 * <OrganizationList hidePersonal afterSelectOrganizationUrl={(org) => `/orgs/${org.slug}`} />
 */
export function OrganizationList(props: OrganizationSelectProps): ReactNode {
  const { appearance, hidePersonal = false } = props;
  const { auth } = useClerkSession("<OrganizationList/>");
  const { userMemberships, isLoaded } = useOrganizationList({ userMemberships: { pageSize: 10 } });
  const { select, error } = useSelect(props);
  const headingId = useId();
  const row = (key: string, current: boolean, onClick: () => void, content: ReactNode) =>
    h(
      "li",
      { key },
      h(
        "button",
        {
          type: "button",
          className: classOf(appearance, "organizationPreviewButton"),
          "aria-current": current || undefined,
          onClick,
        },
        content,
      ),
    );
  return h(
    Root,
    { appearance, name: "organizationListBox" },
    h(
      "section",
      { className: classOf(appearance, "card"), "aria-labelledby": headingId },
      h("h2", { id: headingId, className: classOf(appearance, "headerTitle") }, "Choose an organization"),
      !isLoaded || userMemberships.isLoading
        ? h("p", { role: "status" }, "Loading…")
        : h(
            "ul",
            { className: classOf(appearance, "organizationList") },
            hidePersonal ? null : row("personal", auth.orgId === null, () => select(null), "Personal account"),
            userMemberships.data.map((m) =>
              row(
                m.id,
                m.organization.id === auth.orgId,
                () => select(m.organization),
                Preview({ membership: m, appearance }),
              ),
            ),
          ),
      userMemberships.hasNextPage || userMemberships.hasPreviousPage
        ? Pager({ list: userMemberships, appearance })
        : null,
      h(ErrorText, { error: error ?? userMemberships.error, appearance }),
    ),
  );
}

function Pager({
  list,
  appearance,
}: {
  list: {
    page: number;
    pageCount: number;
    fetchNext: () => void;
    fetchPrevious: () => void;
    hasNextPage: boolean;
    hasPreviousPage: boolean;
  };
  appearance?: Appearance;
}) {
  return h(
    "div",
    { className: classOf(appearance, "paginationRow") },
    h("button", { type: "button", disabled: !list.hasPreviousPage, onClick: list.fetchPrevious }, "Previous"),
    h("span", { className: classOf(appearance, "membersPageInfo") }, ` Page ${list.page} of ${list.pageCount} `),
    h("button", { type: "button", disabled: !list.hasNextPage, onClick: list.fetchNext }, "Next"),
  );
}

/** Props of {@link OrganizationProfile}. */
export interface OrganizationProfileProps {
  appearance?: Appearance;
}

/**
 * The active organization's members, pending invitations and roles. Those holding `org:sys_memberships:manage`
 * get the write controls (invite, change a role, remove, revoke); every write is the API's to allow.
 * @example
 * <OrganizationProfile appearance={{ variables: { colorPrimary: "#0f766e" } }} />
 */
export function OrganizationProfile({ appearance }: OrganizationProfileProps): ReactNode {
  const { organization, membership, isLoaded, error: readError } = useOrganization();
  const permissions = membership?.permissions ?? [];
  const canManage = permissions.includes(MANAGE);
  const canRead = canManage || permissions.includes(READ);
  const { memberships, invitations } = useOrganization({
    memberships: canRead ? { pageSize: 10 } : undefined,
    invitations: canManage ? { pageSize: 10 } : undefined,
  });
  const [roles, setRoles] = useState<RoleResource[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [email, setEmail] = useState("");
  const [inviteRole, setInviteRole] = useState("");
  const ids = { members: useId(), invitations: useId(), roles: useId(), email: useId(), role: useId() };
  useEffect(() => {
    if (organization === null) return;
    let live = true;
    organization.getRoles().then(
      (r) => live && setRoles(r.data),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [organization]);
  if (!isLoaded) return h(Root, { appearance, name: "organizationProfile" }, h("p", { role: "status" }, "Loading…"));
  if (organization === null)
    return h(
      Root,
      { appearance, name: "organizationProfile" },
      h("p", null, "No organization is active."),
      h(ErrorText, { error: readError, appearance }),
    );

  const act = (what: Promise<unknown>, done: string) => {
    setError(null);
    setMessage(null);
    what.then(
      () => setMessage(done),
      (e: unknown) => setError((e as Error).message),
    );
  };
  const roleName = (key: string) => roles.find((r) => r.key === key)?.name ?? key;
  const roleOptions = (selected: string) =>
    (roles.some((r) => r.key === selected) || selected === ""
      ? roles
      : [{ key: selected, name: selected, id: selected, description: null }, ...roles]
    ).map((r) => h("option", { key: r.key, value: r.key }, r.name));

  const memberRows = memberships.data.map((m) => {
    const who = m.publicUserData.identifier;
    return h(
      "tr",
      { key: m.id },
      h("td", null, who),
      h(
        "td",
        null,
        canManage
          ? h(
              "select",
              {
                "aria-label": `Role of ${who}`,
                value: m.role,
                onChange: (e: { target: { value: string } }) =>
                  act(
                    organization.updateMember({ userId: m.publicUserData.userId, role: e.target.value }),
                    `${who} is now ${roleName(e.target.value)}.`,
                  ),
              },
              roleOptions(m.role),
            )
          : m.roleName || m.role,
      ),
      canManage
        ? h(
            "td",
            null,
            h(
              "button",
              {
                type: "button",
                className: classOf(appearance, "formButtonReset"),
                onClick: () => act(organization.removeMember(m.publicUserData.userId), `Removed ${who}.`),
              },
              `Remove ${who}`,
            ),
          )
        : null,
    );
  });

  const section = (id: string, title: string, ...body: ReactNode[]) =>
    h(
      "section",
      { "aria-labelledby": id, className: classOf(appearance, "profileSection") },
      h("h3", { id }, title),
      ...body,
    );

  return h(
    Root,
    { appearance, name: "organizationProfile" },
    h(
      "div",
      { className: classOf(appearance, "card") },
      h("h2", { className: classOf(appearance, "headerTitle") }, organization.name),
      h(ErrorText, { error: error ?? readError, appearance }),
      message === null ? null : h("p", { role: "status", className: classOf(appearance, "statusMessage") }, message),
      canRead
        ? section(
            ids.members,
            `Members (${memberships.count})`,
            h(
              "table",
              { className: classOf(appearance, "table") },
              h(
                "thead",
                null,
                h(
                  "tr",
                  null,
                  h("th", { scope: "col" }, "User"),
                  h("th", { scope: "col" }, "Role"),
                  canManage ? h("th", { scope: "col" }, "Actions") : null,
                ),
              ),
              h("tbody", null, memberRows),
            ),
            memberships.pageCount > 1 ? Pager({ list: memberships, appearance }) : null,
          )
        : null,
      canManage
        ? section(
            ids.invitations,
            "Invitations",
            h(
              "form",
              {
                className: classOf(appearance, "formRow"),
                onSubmit: (e: { preventDefault: () => void }) => {
                  e.preventDefault();
                  const address = email.trim();
                  act(
                    organization
                      .inviteMember({ emailAddress: address, role: inviteRole || undefined })
                      .then(() => setEmail("")),
                    `Invited ${address}.`,
                  );
                },
              },
              h(
                "div",
                { className: classOf(appearance, "formField") },
                h("label", { htmlFor: ids.email }, "Email address"),
                h("input", {
                  id: ids.email,
                  type: "email",
                  required: true,
                  value: email,
                  onChange: (e: { target: { value: string } }) => setEmail(e.target.value),
                }),
              ),
              h(
                "div",
                { className: classOf(appearance, "formField") },
                h("label", { htmlFor: ids.role }, "Role"),
                h(
                  "select",
                  {
                    id: ids.role,
                    value: inviteRole,
                    onChange: (e: { target: { value: string } }) => setInviteRole(e.target.value),
                  },
                  h("option", { value: "" }, "Default role"),
                  roleOptions(""),
                ),
              ),
              h("button", { type: "submit", className: classOf(appearance, "formButtonPrimary") }, "Send invitation"),
            ),
            invitations.data.length === 0
              ? h("p", null, "No pending invitations.")
              : h(
                  "ul",
                  { className: classOf(appearance, "invitationList") },
                  invitations.data.map((i) =>
                    h(
                      "li",
                      { key: i.id },
                      `${i.emailAddress} (${i.roleName || i.role}) `,
                      h(
                        "button",
                        {
                          type: "button",
                          onClick: () =>
                            act(organization.revokeInvitation(i.id), `Revoked the invitation of ${i.emailAddress}.`),
                        },
                        `Revoke invitation of ${i.emailAddress}`,
                      ),
                    ),
                  ),
                ),
          )
        : null,
      section(
        ids.roles,
        "Roles",
        h(
          "ul",
          { className: classOf(appearance, "roleList") },
          roles.map((r) => h("li", { key: r.id }, `${r.name} (${r.key})`)),
        ),
      ),
    ),
  );
}
