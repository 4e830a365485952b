// Clerk's User object as we answer it: one verified e-mail address; no passwords, phones or external accounts (yet).
import { z } from "zod";
import { metadata, millis } from "../../operations/index.js";
import type { User } from "./user.service.js";

const emailAddressSchema = z.object({
  object: z.literal("email_address"),
  id: z.string().describe("idn_ followed by the user id's suffix"),
  email_address: z.string(),
  verification: z
    .object({
      status: z.literal("verified"),
      strategy: z.literal("admin"),
      attempts: z.null(),
      expire_at: z.null(),
    })
    .describe("Always verified by an administrator: addresses are not verified by clerk"),
  linked_to: z.array(z.never()).describe("Always empty"),
  reserved: z.literal(false),
  created_at: millis,
  updated_at: millis,
});

/** `object: "user"`: Clerk's fields, most of them constant here (no passwords, phones, wallets or images). */
export const userSchema = z.object({
  object: z.literal("user"),
  id: z.string(),
  username: z.null(),
  first_name: z.string().nullable().describe("The first word of the name"),
  last_name: z.string().nullable().describe("The rest of the name"),
  image_url: z.literal(""),
  has_image: z.literal(false),
  primary_email_address_id: z.string(),
  primary_phone_number_id: z.null(),
  primary_web3_wallet_id: z.null(),
  email_addresses: z.array(emailAddressSchema).describe("Exactly one"),
  phone_numbers: z.array(z.never()),
  web3_wallets: z.array(z.never()),
  passkeys: z.array(z.never()),
  external_accounts: z.array(z.never()),
  saml_accounts: z.array(z.never()),
  enterprise_accounts: z.array(z.never()),
  password_enabled: z.literal(false),
  totp_enabled: z.literal(false),
  backup_code_enabled: z.literal(false),
  two_factor_enabled: z.literal(false),
  mfa_enabled_at: z.null(),
  mfa_disabled_at: z.null(),
  banned: z.literal(false),
  locked: z.literal(false),
  lockout_expires_in_seconds: z.null(),
  verification_attempts_remaining: z.null(),
  external_id: z.null(),
  public_metadata: metadata.describe("Visible to your frontend and backend"),
  private_metadata: z
    .object({ kind: z.enum(["human", "agent"]) })
    .catchall(z.unknown())
    .describe(
      "Your backend's; kind is clerk's: a person, or an AI agent acting with its own permissions (set at creation)",
    ),
  unsafe_metadata: metadata.describe("Writable by the user's own frontend in Clerk; here by instance admins"),
  last_sign_in_at: z.null(),
  last_active_at: z.null(),
  create_organization_enabled: z.literal(true),
  delete_self_enabled: z.literal(false),
  legal_accepted_at: z.null(),
  created_at: millis,
  updated_at: millis,
});

export type UserObject = z.infer<typeof userSchema>;

/** The API form of a user. */
export function userObject(u: User): UserObject {
  const [first, ...rest] = (u.name ?? "").split(" ");
  const emailId = `idn_${u.id.slice("user_".length)}`;
  return {
    object: "user",
    id: u.id,
    username: null,
    first_name: first || null,
    last_name: rest.join(" ") || null,
    image_url: "",
    has_image: false,
    primary_email_address_id: emailId,
    primary_phone_number_id: null,
    primary_web3_wallet_id: null,
    email_addresses: [
      {
        object: "email_address",
        id: emailId,
        email_address: u.email,
        verification: { status: "verified", strategy: "admin", attempts: null, expire_at: null },
        linked_to: [],
        reserved: false,
        created_at: u.createdAt,
        updated_at: u.updatedAt,
      },
    ],
    phone_numbers: [],
    web3_wallets: [],
    passkeys: [],
    external_accounts: [],
    saml_accounts: [],
    enterprise_accounts: [],
    password_enabled: false,
    totp_enabled: false,
    backup_code_enabled: false,
    two_factor_enabled: false,
    mfa_enabled_at: null,
    mfa_disabled_at: null,
    banned: false,
    locked: false,
    lockout_expires_in_seconds: null,
    verification_attempts_remaining: null,
    external_id: null,
    public_metadata: u.publicMetadata,
    private_metadata: { ...u.privateMetadata, kind: u.kind },
    unsafe_metadata: u.unsafeMetadata,
    last_sign_in_at: null,
    last_active_at: null,
    create_organization_enabled: true,
    delete_self_enabled: false,
    legal_accepted_at: null,
    created_at: u.createdAt,
    updated_at: u.updatedAt,
  };
}
