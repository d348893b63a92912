// The components a lesson's MDX may use, by name. Authors write <Callout>, <Tabs>,
// <Figure>, <Exercise id>, <WatchCluster>words</WatchCluster> (opens the cluster view); fenced code becomes <pre> (highlighted at compile time by shiki).
import type { ComponentProps, ReactNode } from "react";
import { Exercise, type ExerciseContext } from "@/app/_components/exercise/exercise";
import { WatchCluster } from "@/app/_components/picture/watch-cluster.client";
import { Callout } from "./callout";
import { CodeBlock } from "./code-block.client";
import { Figure } from "./figure";
import { Tab, Tabs } from "./tabs.client";

export function mdxComponents(figures: Record<string, string>, exercises: ExerciseContext) {
  return {
    Callout,
    Exercise: (props: { id: string }) => <Exercise id={props.id} context={exercises} />,
    Tabs,
    Tab,
    WatchCluster,
    Figure: (props: { src: string; alt: string; children?: ReactNode }) => <Figure {...props} url={figures[props.src]} />,
    pre: (props: ComponentProps<"pre"> & { "data-language"?: string }) => <CodeBlock {...props} />,
    table: (props: ComponentProps<"table">) => (
      <div className="table-scroll">
        <table {...props} />
      </div>
    ),
  };
}
