// The package's version, in one place (the CLI's --version, the API reference's title).

/** This package's version. */
export const VERSION = "0.1.0";
