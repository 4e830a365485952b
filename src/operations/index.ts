// Operations: declared once by each feature, served over HTTP, called and derived by the CLI, described by OpenAPI.
export { type AnswerFilter, checkOutput, invoke, onAnswer } from "./invoke.js";
export {
  type Method,
  type Operation,
  type OperationCall,
  type OperationInput,
  type OperationSpec,
  type OutputOf,
  type StreamedOutput,
  StreamedBody,
  isStreamed,
  operation,
  streamed,
} from "./operation.js";
export { parseRequest } from "./parse.js";
export { deletedObject, deletedObjectSchema, metadata, millis, pageOf } from "./shapes.js";
