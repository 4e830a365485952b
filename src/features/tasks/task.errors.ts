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
