// Input shapes for users, parsed once at the edge (CLI flags, HTTP bodies).
import { z } from "zod";

/** An e-mail address as clerk accepts it: trimmed, with a local part, an @ and a dotted domain. */
export const emailSchema = z
  .string()
  .trim()
  .pipe(z.email({ message: 'must be an e-mail address such as "alice@acme.com"' }));

export const userKindSchema = z.enum(["human", "agent"]);

export const createUserSchema = z.object({
  email: emailSchema,
  name: z.string().trim().min(1).max(200).optional(),
  kind: userKindSchema.default("human"),
  publicMetadata: z.record(z.string(), z.unknown()).optional(),
  privateMetadata: z.record(z.string(), z.unknown()).optional(),
  unsafeMetadata: z.record(z.string(), z.unknown()).optional(),
});

export type CreateUserInput = z.input<typeof createUserSchema>;
