// The tasks feature's public face: events start runs, runs ask tasks of reviewers, timers keep them moving.
export { type Candidate, pickReviewers, rotation } from "./assignment.js";
export { type RunRecord, type TaskRecord } from "./run.records.js";
export { runObject, taskObject } from "./task.view.js";
export { STAGE_ESCALATE, STAGE_TIMEOUT } from "./run.advance.js";
export { cancelRun, type EmitResult, emitEvent, type EventRecord, getRun, listRuns, subjectOf } from "./run.service.js";
export { workflowStats, type WorkflowStats } from "./stats.service.js";
export { TASK_JOB_HANDLERS } from "./task.jobs.js";
export { assignTask } from "./assign.service.js";
export { type Reassignment, reassignOpenTasksOf } from "./reassign.service.js";
export { ACCESS_REQUESTED, type GrantEffect } from "./access-request.js";
export { type AccessRequestInput, accessWorkflowsFor, requestAccess } from "./access-request.service.js";
export { approveTask, type DecisionResult, getTask, listTasks, rejectTask, type TaskQuery } from "./task.service.js";
export { type Signal, SIGNALS } from "./task.signals.js";
export {
  type BlockedRunFinding,
  blockedRunFindings,
  type OverdueTaskFinding,
  overdueTaskFindings,
} from "./task.health.js";
