// Instance settings: small key/value pairs such as the creator and default roles.

/** A row of `settings`. */
export interface SettingsTable {
  key: string;
  value: string;
  updated_at: number;
}
