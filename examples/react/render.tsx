// Renders the React example to HTML for a session token given as argument. Run: npx tsx examples/react/render.tsx "$TOKEN"
/** @jsxRuntime automatic @jsxImportSource react */
import { renderToString } from "react-dom/server";
import { ClerkProvider } from "clerk/react";
import { App } from "./App.js";

const token = process.argv[2] ?? null;
console.log(
  renderToString(
    <ClerkProvider token={token}>
      <App />
    </ClerkProvider>,
  ),
);
