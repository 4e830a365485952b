// Theming of clerk/react's organization components as Clerk's: `appearance.variables` become CSS custom properties
// (--cl-color-primary, …), every element has a stable `cl-<element>` class (plus `appearance.elements[element]`),
// and the default look is plain CSS in zero-specificity :where() rules, so any app stylesheet wins.
import { type CSSProperties, type ReactNode, createElement } from "react";

/** Clerk's appearance variables that these components use. */
export interface AppearanceVariables {
  colorPrimary?: string;
  colorDanger?: string;
  colorText?: string;
  colorTextSecondary?: string;
  colorBackground?: string;
  colorInputBackground?: string;
  colorInputText?: string;
  borderRadius?: string;
  fontFamily?: string;
  fontSize?: string;
}

/** Clerk's `appearance` prop: variables, and extra class names by element (`{ organizationSwitcherTrigger: "…" }`). */
export interface Appearance {
  variables?: AppearanceVariables;
  elements?: Record<string, string>;
}

const VARIABLE_NAMES: Record<keyof AppearanceVariables, string> = {
  colorPrimary: "--cl-color-primary",
  colorDanger: "--cl-color-danger",
  colorText: "--cl-color-text",
  colorTextSecondary: "--cl-color-text-secondary",
  colorBackground: "--cl-color-background",
  colorInputBackground: "--cl-color-input-background",
  colorInputText: "--cl-color-input-text",
  borderRadius: "--cl-border-radius",
  fontFamily: "--cl-font-family",
  fontSize: "--cl-font-size",
};

/**
 * The root element's style: each given variable as its CSS custom property.
 * @example
 * variablesStyle({ colorPrimary: "#0a7" }) // { "--cl-color-primary": "#0a7" }
 */
export function variablesStyle(variables: AppearanceVariables | undefined): CSSProperties {
  const style: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables ?? {}))
    if (typeof value === "string" && name in VARIABLE_NAMES)
      style[VARIABLE_NAMES[name as keyof AppearanceVariables]] = value;
  return style as CSSProperties;
}

/**
 * The class names of an element: `cl-<element>`, then the app's own from `appearance.elements`.
 * @example
 * classOf(appearance, "organizationSwitcherTrigger") // "cl-organizationSwitcherTrigger my-trigger"
 */
export function classOf(appearance: Appearance | undefined, element: string): string {
  const extra = appearance?.elements?.[element];
  return extra ? `cl-${element} ${extra}` : `cl-${element}`;
}

/** The default look (light and dark), every rule in :where() so an app's CSS overrides it without a fight. */
export const DEFAULT_CSS = `
:where(.cl-rootBox){--cl-p:var(--cl-color-primary,#4338ca);--cl-d:var(--cl-color-danger,#b91c1c);--cl-t:var(--cl-color-text,#111827);--cl-t2:var(--cl-color-text-secondary,#4b5563);--cl-bg:var(--cl-color-background,#fff);--cl-ibg:var(--cl-color-input-background,#fff);--cl-it:var(--cl-color-input-text,#111827);--cl-r:var(--cl-border-radius,.5rem);color:var(--cl-t);font-family:var(--cl-font-family,system-ui,sans-serif);font-size:var(--cl-font-size,.9375rem)}
@media (prefers-color-scheme:dark){:where(.cl-rootBox){--cl-p:var(--cl-color-primary,#a5b4fc);--cl-d:var(--cl-color-danger,#fca5a5);--cl-t:var(--cl-color-text,#f3f4f6);--cl-t2:var(--cl-color-text-secondary,#d1d5db);--cl-bg:var(--cl-color-background,#111827);--cl-ibg:var(--cl-color-input-background,#1f2937);--cl-it:var(--cl-color-input-text,#f3f4f6)}}
:where(.cl-card,.cl-organizationSwitcherPopoverCard){background:var(--cl-bg);border:1px solid color-mix(in srgb,var(--cl-t) 15%,transparent);border-radius:var(--cl-r);padding:1rem;box-shadow:0 4px 16px rgb(0 0 0/.08)}
:where(.cl-rootBox) :where(h2,h3){margin:.25rem 0 .75rem;font-size:1.1em}
:where(.cl-rootBox) :where(button){font:inherit;cursor:pointer;border-radius:var(--cl-r);padding:.4rem .8rem;border:1px solid color-mix(in srgb,var(--cl-t) 25%,transparent);background:var(--cl-bg);color:var(--cl-t)}
:where(.cl-rootBox) :where(button:focus-visible,input:focus-visible,select:focus-visible){outline:2px solid var(--cl-p);outline-offset:2px}
:where(.cl-formButtonPrimary){background:var(--cl-p);border-color:var(--cl-p);color:var(--cl-bg)}
:where(.cl-rootBox) :where(input,select){font:inherit;background:var(--cl-ibg);color:var(--cl-it);border:1px solid color-mix(in srgb,var(--cl-t) 30%,transparent);border-radius:var(--cl-r);padding:.35rem .5rem}
:where(.cl-organizationSwitcher){position:relative;display:inline-block}
:where(.cl-organizationSwitcherPopoverCard){position:absolute;z-index:10;min-width:16rem;margin-top:.25rem}
:where(.cl-organizationList,.cl-organizationSwitcherList){list-style:none;margin:0;padding:0;display:grid;gap:.25rem}
:where(.cl-organizationPreviewButton){display:flex;width:100%;justify-content:space-between;gap:1rem;text-align:start}
:where(.cl-organizationPreviewSecondaryIdentifier,.cl-membersPageInfo){color:var(--cl-t2)}
:where(.cl-table){border-collapse:collapse;width:100%}
:where(.cl-table) :where(th,td){text-align:start;padding:.4rem .5rem;border-bottom:1px solid color-mix(in srgb,var(--cl-t) 12%,transparent)}
:where(.cl-alert){color:var(--cl-d)}
:where(.cl-formRow){display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin:.5rem 0}
:where(.cl-formField){display:grid;gap:.2rem}
`;

/** The default stylesheet, once per page (React 19 hoists and de-duplicates a <style> with href and precedence). */
export function DefaultStyles(): ReactNode {
  return createElement("style", { href: "clerk-react-organizations", precedence: "low" }, DEFAULT_CSS);
}
