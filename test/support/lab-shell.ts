// A learner's shell in a real lab, driven the way the Run button drives it: the provider's own
// TTY (`bash -l` as the learner, as the terminal bridge opens it), each block sent as the
// keystrokes `commandInput` makes. One shell for the whole walk, so `cd`, variables and files
// carry from block to block exactly as they do for a learner.
//
// How a block's end and failures are seen without changing what the learner types: an ERR
// trap prints a marker for every command that exits non-zero, and after the block a printf
// prints a done marker. The markers are built by printf from pieces ("__KL_%s_%s__" with FAIL
// or DONE), so the echo of the typed line never matches them.
import { commandInput } from "@/app/_components/lab/lab-bus";
import type { Provider, ProviderState, Tty } from "@/sandbox/providers/types";

export interface BlockRun {
  /** Commands of the block that exited non-zero (ERR trap markers), with their exit codes. */
  failures: number[];
  /** What the terminal showed for the block, without the markers, for messages. */
  output: string;
}

const FAIL = /__KL_FAIL_(\d+)__/g;

export class LabShell {
  private text = "";
  private readonly decoder = new TextDecoder();
  private counter = 0;
  private exited = false;

  private constructor(private readonly tty: Tty) {
    tty.onData((chunk) => {
      this.text += this.decoder.decode(chunk, { stream: true });
    });
    tty.onExit(() => {
      this.exited = true;
    });
  }

  static async open(provider: Provider, state: ProviderState): Promise<LabShell> {
    const tty = await provider.attach(state, { cols: 200, rows: 50 });
    const shell = new LabShell(tty);
    tty.write(`trap '__kl_s=$?; printf "\\n__KL_%s_%s__\\n" FAIL "$__kl_s"' ERR\r`);
    await shell.mark(30_000);
    return shell;
  }

  /** Types a block and waits for the shell to come back to its prompt. */
  async run(block: string, options: { timeoutMs?: number; interactive?: boolean } = {}): Promise<BlockRun> {
    const start = this.text.length;
    this.tty.write(commandInput(block));
    let failures: number[] = [];
    if (options.interactive) {
      // A learner watches until the output settles, then leaves: q for a pager (less), Ctrl+C
      // for anything else (a watch, a tunnel; it also clears the q a watch would leave on the
      // line). What failed before that counts; the interrupt itself does not.
      await this.settle(3000, 20_000);
      failures = this.failuresSince(start);
      this.tty.write("q");
      await new Promise((r) => setTimeout(r, 300));
      this.tty.write("\x03");
      await new Promise((r) => setTimeout(r, 500));
    }
    try {
      await this.mark(options.timeoutMs ?? 180_000, start);
    } catch (error) {
      // Leave the shell usable for the next block (a command left waiting, e.g. a watch that
      // was not marked interactive), then report this one.
      this.tty.write("\x03");
      await this.mark(15_000).catch(() => undefined);
      throw error;
    }
    const slice = this.text.slice(start);
    if (!options.interactive) failures = this.failuresSince(start);
    return { failures, output: slice.replace(/\r?\n?__KL_(FAIL|DONE)_\d+__\r?\n?/g, "\n").replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "") };
  }

  /** False once the shell has exited (the walk then opens a new one, as a reload would). */
  get alive(): boolean {
    return !this.exited;
  }

  close(): void {
    this.tty.close();
  }

  private failuresSince(start: number): number[] {
    return [...this.text.slice(start).matchAll(FAIL)].map((m) => Number(m[1]));
  }

  /** Types a done marker and waits for its output. */
  private async mark(timeoutMs: number, start = this.text.length): Promise<void> {
    const n = ++this.counter;
    const done = `__KL_DONE_${n}__`;
    this.tty.write(`printf '\\n__KL_%s_%s__\\n' DONE ${n}\r`);
    const deadline = Date.now() + timeoutMs;
    while (!this.text.includes(done, start)) {
      if (this.exited) throw new Error(`the lab's shell exited; it showed:\n${this.tail(start)}`);
      if (Date.now() > deadline) throw new Error(`the shell did not come back to its prompt within ${timeoutMs / 1000} s; it showed:\n${this.tail(start)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Waits until no output arrived for quietMs (at most maxMs). */
  private async settle(quietMs: number, maxMs: number): Promise<void> {
    const end = Date.now() + maxMs;
    let length = this.text.length;
    let quietSince = Date.now();
    while (Date.now() < end) {
      await new Promise((r) => setTimeout(r, 200));
      if (this.text.length !== length) {
        length = this.text.length;
        quietSince = Date.now();
      } else if (Date.now() - quietSince >= quietMs) return;
    }
  }

  private tail(start: number): string {
    return this.text.slice(start).split("\n").slice(-15).join("\n");
  }
}
