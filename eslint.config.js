// Lint configuration: typescript-eslint's recommended rules plus the few the style guide leans on.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";
import prettier from "eslint-config-prettier";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "coverage/**", ".clerk/**"] },
  js.configs.recommended,
  { languageOptions: { globals: globals.node } },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: "Time comes from the injected clock (src/clock.ts).",
        },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: "Randomness comes from node:crypto.",
        },
      ],
    },
  },
  {
    // A feature reaches another feature only through that feature's index.ts.
    files: ["src/features/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { regex: "^\\.\\./[a-z-]+/(?!index\\.js$)[^/]+$", message: "Import another feature through its index.ts." },
          ],
        },
      ],
    },
  },
  {
    files: ["src/engine/**/*.ts"],
    ignores: ["src/engine/**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["../*", "!./*"], message: "The engine imports nothing else of ours." }] },
      ],
    },
  },
  {
    // The dashboard runs in the browser; its clock is the browser's.
    files: ["dashboard/src/**/*.{ts,tsx}"],
    languageOptions: { globals: globals.browser },
    rules: { "no-restricted-syntax": "off" },
  },
  {
    files: ["bench/**/*.ts", "test/**/*.ts", "**/*.test.ts", "src/clock.ts"],
    rules: { "no-restricted-syntax": "off" },
  },
  // Layout is Prettier's job (npm run lint checks it); no stylistic lint rule may disagree with it.
  prettier,
);
