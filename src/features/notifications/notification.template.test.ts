import { describe, expect, it } from "vitest";
import { checkTemplate, render } from "./notification.template.js";

describe("checkTemplate", () => {
  it("accepts the known placeholders and {event.<attr>}", () => {
    expect(checkTemplate("Review overdue: {pr.title} has been waiting {elapsed} ({event.repository.name})")).toEqual([
      "pr.title",
      "elapsed",
      "event.repository.name",
    ]);
  });
  it.each([
    ["{pr.link}", /\{pr\.link\}, which is not a placeholder; use \{pr\.url\}/],
    ["{}", /\{\}, which is not a placeholder/],
    ["{event.}", /\{event\.\}/],
    ["  ", /empty/],
  ])("refuses %j", (message, error) => expect(() => checkTemplate(message)).toThrow(error));
});

describe("render", () => {
  const values = {
    "pr.title": "Fix <script> & stuff",
    "pr.url": "https://git.example.com/pr/1",
    elapsed: "1d 2h",
    event: { team: "web", labels: ["a", "b"] },
  };
  it.each([
    ["text", "New: {pr.title} {pr.url}", "New: Fix <script> & stuff https://git.example.com/pr/1"],
    ["slack", "<!here> {pr.title}", "<!here> Fix &lt;script&gt; &amp; stuff"],
    ["html", "<b>{pr.title}</b>", "<b>Fix &lt;script&gt; &amp; stuff</b>"],
    ["text", "{event.team} {event.labels} [{event.missing}]", 'web ["a","b"] []'],
  ] as const)("for %s: %j", (target, message, expected) => expect(render(message, values, target)).toBe(expected));
});
