// The API's workflow, stage, file set and form objects.
import type { FileSet } from "./fileset.service.js";
import type { Form } from "./form.service.js";
import type { Stage, Workflow } from "./workflow.service.js";

export function stageObject(s: Stage) {
  return {
    object: "workflow_stage" as const,
    id: s.id,
    position: s.position,
    name: s.name,
    requires_role: s.requiresRole.key,
    role_exists: s.requiresRole.id !== null,
    condition: s.condition,
    timeout: s.timeout,
    approvals: s.approvals,
    form: s.form,
    strategy: s.strategy,
    escalation: s.escalation
      ? { after: s.escalation.after, escalate_to: s.escalation.escalateTo.key, notify: s.escalation.notify }
      : null,
  };
}

export function workflowObject(w: Workflow, warnings: readonly string[] = []) {
  return {
    object: "workflow" as const,
    id: w.id,
    organization_id: w.organization.id,
    organization_slug: w.organization.slug,
    name: w.name,
    slug: w.slug,
    description: w.description,
    trigger: w.trigger,
    condition: w.condition,
    status: w.status,
    stages: w.stages.map(stageObject),
    warnings: [...warnings],
    created_at: w.createdAt,
    updated_at: w.updatedAt,
  };
}

export function fileSetObject(f: FileSet) {
  return {
    object: "file_set" as const,
    id: f.id,
    organization_id: f.organizationId,
    name: f.name,
    patterns: f.patterns,
    created_at: f.createdAt,
    updated_at: f.updatedAt,
  };
}

export function formObject(f: Form) {
  return {
    object: "form" as const,
    id: f.id,
    name: f.name,
    description: f.description,
    built_in: f.builtIn,
    schema: f.schema,
    created_at: f.createdAt,
  };
}
