// The errors of runs, tasks and decisions.
import { ClerkError } from "../../errors.js";

export function runNotFound(ref: string): ClerkError {
  return new ClerkError("run.not_found", `No run "${ref}". List runs with: clerk run list --workflow <workflow>`, {
    param: "run",
    details: { ref },
  });
}

export function runNotOpen(id: string, status: string): ClerkError {
  return new ClerkError("run.not_open", `Run ${id} is ${status}; only an open run can change.`, {
    param: "run",
    details: { status },
  });
}

export function taskNotFound(ref: string): ClerkError {
  return new ClerkError("task.not_found", `No task "${ref}". List yours with: clerk task list --mine --as <you>`, {
    param: "task",
    details: { ref },
  });
}

export function memberRequired(what: string): ClerkError {
  return new ClerkError(
    "approval.member_required",
    `Only a member can ${what}: act as one with --as <email> (or call the API with that member's key).`,
  );
}

/** The requester (or, `as` says, the emitter of its event) deciding their own run. */
export function selfApproval(
  actor: string,
  runId: string,
  verdict: "approved" | "rejected" = "approved",
  as = "requested",
): ClerkError {
  const message =
    verdict === "approved"
      ? `${actor} ${as} run ${runId} and cannot approve it; another reviewer must.`
      : `${actor} ${as} run ${runId} and cannot decide it; to withdraw it, cancel it with: clerk run cancel ${runId}`;
  return new ClerkError("approval.self_approval", message, { details: { run: runId } });
}

export function notEligible(actor: string, taskId: string, roles: readonly string[]): ClerkError {
  return new ClerkError(
    "approval.not_eligible",
    `${actor} may not decide task ${taskId}: only its assignee or a member holding ${roles.join(" or ")} may.`,
    { details: { task: taskId, roles } },
  );
}

export function alreadyDecided(taskId: string, status: string, by: string | null, at: number | null): ClerkError {
  const who = by ? ` by ${by}` : "";
  const when = at ? ` at ${new Date(at).toISOString()}` : "";
  return new ClerkError(
    "approval.already_decided",
    `Task ${taskId} was already ${status}${who}${when}; a decision is final.`,
    { details: { task: taskId, status } },
  );
}

export function alreadyCounted(actor: string, stage: string): ClerkError {
  return new ClerkError(
    "approval.already_counted",
    `${actor} has already decided in stage "${stage}"; one person counts once per stage, so another reviewer must.`,
    {
      details: { stage },
    },
  );
}

export function reviewerNotEligible(reviewer: string, why: string): ClerkError {
  return new ClerkError("approval.reviewer_not_eligible", `${reviewer} cannot be assigned: ${why}`, {
    param: "reviewer",
  });
}

export function invalidEvent(message: string, param: string): ClerkError {
  return new ClerkError("event.invalid", message, { param });
}

export function idempotencyMismatch(key: string, eventId: string): ClerkError {
  return new ClerkError(
    "event.idempotency_mismatch",
    `Idempotency key "${key}" was already used by event ${eventId} with other data; use a new key for a new event.`,
    { param: "idempotency_key", details: { event: eventId } },
  );
}

/** An access request (the event of an on_approve: grant workflow) that does not say what to grant. */
export function invalidAccessRequest(message: string, param: string): ClerkError {
  return new ClerkError("access_request.invalid", message, { param });
}

/** An access-request run that would end approved with nobody having approved it. */
export function noApprover(workflow: string): ClerkError {
  return new ClerkError(
    "access_request.no_approver",
    `Workflow ${workflow} grants access on approval, but no stage of it applies to this request, so nobody would approve it; a grant needs a person's approval. Add a stage (clerk workflow stage add --workflow ${workflow} …) or make a stage's condition hold.`,
    { details: { workflow } },
  );
}

/** An access request that no workflow would decide: the organization has none configured for it. */
export function noAccessWorkflow(organization: string): ClerkError {
  return new ClerkError(
    "access_request.no_workflow",
    `${organization} has no active access-request workflow that applies to this request, so nobody could grant it. An admin sets one up with: clerk workflow create --name "Access requests" --organization ${organization} --trigger event:access_requested --on-approve grant, then clerk workflow stage add --workflow access-requests --name Approval --requires-role org:admin`,
    { details: { organization } },
  );
}
