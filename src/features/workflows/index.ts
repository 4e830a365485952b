// The workflows feature's public face: definitions, conditions, file sets, forms, and who may use them.
export {
  type ConditionResult,
  type ConditionTerm,
  evaluateCondition,
  parseCondition,
  touchedFiles,
} from "./condition.js";
export { fileMatches } from "./file-glob.js";
export { deleteFileSet, type FileSet, fileSetPatterns, listFileSets, saveFileSet } from "./fileset.service.js";
export {
  BUILT_IN_FORMS,
  checkFormData,
  createForm,
  deleteForm,
  type Form,
  findForm,
  listForms,
  updateForm,
} from "./form.service.js";
export { actorHoldsAny, assertMayEmit, assertMayManageWorkflows, assertMayReadWorkflows } from "./workflow.guards.js";
export { type Signal, SIGNALS, STRATEGIES } from "./workflow.schema.js";
export { addStage, clearEscalation, removeStage, setAssignment, setEscalation, updateStage } from "./stage.service.js";
export {
  countWorkflows,
  getWorkflow,
  listWorkflows,
  resolveWorkflow,
  type Stage,
  triggeredWorkflows,
  type WithWarnings,
  type Workflow,
} from "./workflow.records.js";
export {
  createWorkflow,
  deleteWorkflow,
  eventTypeKey,
  parseEventType,
  parseTrigger,
  updateWorkflow,
} from "./workflow.service.js";
export { TEMPLATE_NAMES, TEMPLATES } from "./workflow.templates.js";
