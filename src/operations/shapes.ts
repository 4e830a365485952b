// Output shapes that many operations share, so every list, time and deletion is described the same way.
import { z } from "zod";

/** Unix time in milliseconds, as Clerk's objects carry it. */
export const millis = z.number().int().describe("Unix time in milliseconds");

/** A page of a list, Clerk's `{ data, total_count }`. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), total_count: z.number().int().min(0).describe("Matches across every page") });

/** Clerk's DeletedObject: what every deletion of a Clerk resource answers, and nothing more. */
export const deletedObjectSchema = <T extends string>(object: T) =>
  z.object({ object: z.literal(object), id: z.string(), deleted: z.literal(true) });

/** The DeletedObject of a resource. */
export const deletedObject = <T extends string>(object: T, id: string) => ({ object, id, deleted: true as const });

/** Free-form metadata, as Clerk's `public_metadata` and `private_metadata`. */
export const metadata = z.record(z.string(), z.unknown());
