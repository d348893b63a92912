// `npx tsx app/_lib/lessons/write-code-theme.ts`: writes app/code-theme.css, the rules for the
// classes that code-classes.ts gives highlighted tokens. Run it after changing CODE_THEMES or
// upgrading shiki; test/unit/code-classes.test.ts fails while the file is stale.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { codeThemeStylesheet } from "./code-theme-css";

const file = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../code-theme.css");
writeFileSync(file, await codeThemeStylesheet());
process.stdout.write(`wrote ${file}\n`);
