// Renders a compiled lesson on the server. mdx-bundler's own getMDXComponent imports React
// from its package; evaluating here instead binds the compiled code to the React that Next
// bundled for server components, so there is exactly one React.
import * as React from "react";
import * as jsxRuntime from "react/jsx-runtime";
import type { ExerciseContext } from "@/app/_components/exercise/exercise";
import { mdxComponents } from "./components";

type MDXContent = React.ComponentType<{ components: Record<string, unknown> }>;

const evaluated = new Map<string, MDXContent>();

function evaluate(code: string): MDXContent {
  let component = evaluated.get(code);
  if (!component) {
    // The code is our own compiled lesson content, never user input.
    const fn = new Function("React", "_jsx_runtime", "ReactDOM", code) as (...args: unknown[]) => { default: MDXContent };
    component = fn(React, jsxRuntime, {}).default;
    evaluated.set(code, component);
  }
  return component;
}

export function LessonBody({ code, figures, exercises }: { code: string; figures: Record<string, string>; exercises: ExerciseContext }) {
  const Content = evaluate(code);
  return <Content components={mdxComponents(figures, exercises)} />;
}
