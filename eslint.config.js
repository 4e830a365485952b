// Lint configuration: typescript-eslint's recommended rules plus the few the style guide leans on.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "coverage/**", ".clerk/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-syntax": [
        "error",
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: "Time comes from the injected clock (src/clock.ts)." },
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: "Randomness comes from node:crypto." },
      ],
      "no-restricted-imports": ["error", { patterns: [{ group: ["**/*.repository", "**/*.repository.js", "**/*.table", "**/*.table.js"], message: "Import another feature through its index.ts." }] }],
    },
  },
  {
    files: ["src/engine/**/*.ts"],
    ignores: ["src/engine/**/*.test.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["../*", "!./*"], message: "The engine imports nothing else of ours." }] }],
    },
  },
  {
    files: ["bench/**/*.ts", "test/**/*.ts", "**/*.test.ts", "src/clock.ts"],
    rules: { "no-restricted-syntax": "off" },
  },
);
