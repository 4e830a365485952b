// The errors the configuration feature throws (codes listed in src/errors.ts).
import { ClerkError } from "../../errors.js";

export function stalePlan(expected: string, actual: string): ClerkError {
  return new ClerkError(
    "config.stale_plan",
    `The store changed since the plan was made (plan base ${expected.slice(0, 12)}, now ${actual.slice(0, 12)}); nothing was applied. Run clerk plan again and review it.`,
    { param: "base", details: { expected, actual } },
  );
}
