// The jobs feature's public face: durable timers other features schedule and handle.
export {
  cancelJobs,
  cancelJobsContaining,
  type Job,
  type JobHandler,
  type JobRunReport,
  type JobSpec,
  jobSummary,
  LEASE_MS,
  MAX_ATTEMPTS,
  runDueJobs,
  scheduleJobs,
} from "./job.service.js";
