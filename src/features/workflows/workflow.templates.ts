// Built-in workflow templates: code review, document approval and a production deployment gate.

/** A stage as a template describes it (roles by name, resolved in the organization). */
export interface TemplateStage {
  name: string;
  requiresRole: string;
  condition?: string;
  timeout?: string;
  approvals?: number;
  form?: string;
}

/** A template: what `clerk workflow create --template` fills in. */
export interface WorkflowTemplate {
  name: string;
  title: string;
  description: string;
  trigger: string;
  condition?: string;
  stages: readonly TemplateStage[];
}

export const TEMPLATES: readonly WorkflowTemplate[] = Object.freeze([
  {
    name: "code-review",
    title: "Code Review",
    description:
      "Every pull request gets a technical review; changes to security-sensitive files also need the security lead.",
    trigger: "event:pull_request_opened",
    stages: [
      { name: "Technical Review", requiresRole: "Code Reviewer", timeout: "24h" },
      {
        name: "Security Approval",
        requiresRole: "Security Lead",
        condition: "files:touched:security-sensitive",
        timeout: "48h",
      },
    ],
  },
  {
    name: "document-approval",
    title: "Document Approval",
    description: "A submitted document is reviewed by a writer, then approved by a tech lead.",
    trigger: "event:document_submitted",
    stages: [
      { name: "Editorial Review", requiresRole: "Documentation Writer", timeout: "48h" },
      { name: "Final Approval", requiresRole: "Tech Lead", timeout: "72h" },
    ],
  },
  {
    name: "deployment-gate",
    title: "Deployment Gate",
    description:
      "Production deployments need a change record from a tech lead, and the CISO's sign-off when the impact is high.",
    trigger: "event:deployment_requested",
    condition: "environment:production",
    stages: [
      { name: "Change Record", requiresRole: "Tech Lead", form: "change-request-template", timeout: "24h" },
      { name: "Production Approval", requiresRole: "CISO", condition: "estimated-impact:high", timeout: "24h" },
    ],
  },
]);

export const TEMPLATE_NAMES = TEMPLATES.map((t) => t.name);
