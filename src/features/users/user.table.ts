// The users table: people and agents, unique by case-insensitive e-mail.
import type { Generated } from "kysely";

/** A row of `users`. */
export interface UsersTable {
  id: string;
  email: string;
  email_normalized: string;
  name: string | null;
  kind: "human" | "agent";
  public_metadata: Generated<string>;
  private_metadata: Generated<string>;
  unsafe_metadata: Generated<string>;
  created_at: number;
  updated_at: number;
}
