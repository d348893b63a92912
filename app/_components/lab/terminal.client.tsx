"use client";
// The learner's shell in the browser: xterm.js wired to a TerminalConnection. xterm.js and
// its addons are loaded only in the browser, after the page is interactive, because they
// touch the DOM when imported and are large.
import "@xterm/xterm/css/xterm.css";
import type { Terminal as XTerm } from "@xterm/xterm";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { terminalTicketAction } from "@/app/_lib/lab/actions";
import { commandInput, RUN_EVENT, type RunDetail } from "./lab-bus";
import { type ConnectionState, TerminalConnection, type Ticket } from "./terminal-connection";
import { DARK_QUERY, TERMINAL_FONT, themeFor } from "./terminal-theme";

export type TerminalPhase = ConnectionState["kind"];

interface Props {
  /** The lab this terminal belongs to; a new lab means a new component (use it as the key). */
  sandboxId: string;
  /** Put the cursor in the terminal once attached (after the learner pressed Start). */
  autoFocus?: boolean;
  /** Something covers the terminal (a reset in progress): shown as an overlay. */
  busyMessage?: string;
  /**
   * The lesson's setups are running on the lab: keystrokes and Run buttons are kept, in
   * order, and reach the shell when this turns false, so nothing typed races a setup.
   */
  holdInput?: boolean;
  onStateChange?(state: ConnectionState): void;
}

/** The host element, with the test hooks described where they are attached. */
type HostElement = HTMLDivElement & { kubelabBuffer?: () => string; kubelabCursor?: () => { x: number; y: number } };

async function freshTicket(): Promise<Ticket> {
  const ticket = await terminalTicketAction();
  if (ticket.ok) return { ok: true, token: ticket.data.token };
  return { ok: false, reason: ticket.error === "signIn" ? "no-session" : "no-lab" };
}

function socketURL(token: string, cols: number, rows: number): string {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const query = new URLSearchParams({ token, cols: String(cols), rows: String(rows) });
  return `${scheme}://${location.host}/terminal?${query}`;
}

/** How long a passing notice (dropped input) stays on the terminal. */
const NOTICE_MS = 6000;
/** What is kept while input is held: a few lines of typing or a Run block; more is dropped (and said). */
const HELD_INPUT_MAX = 4096;

/** The words for data-terminal-state, which tests and styles read. */

function phaseName(state: ConnectionState): string {
  switch (state.kind) {
    case "refused":
      return "error";
    case "gone":
      return "ended";
    default:
      return state.kind;
  }
}

export function LabTerminal({ sandboxId, autoFocus = false, busyMessage, holdInput = false, onStateChange }: Props) {
  const t = useTranslations("Lab.terminal");
  const hostRef = useRef<HostElement>(null);
  const connectionRef = useRef<TerminalConnection | null>(null);
  const termRef = useRef<XTerm | null>(null);
  const [state, setState] = useState<ConnectionState>({ kind: "connecting" });
  // A passing notice from the server (input dropped because the program does not read it).
  const [notice, setNotice] = useState<"input-dropped" | "held-full" | null>(null);
  // Input typed while the lesson is prepared, sent in order once it is ready.
  const holding = useRef(holdInput);
  const held = useRef("");
  useEffect(() => {
    holding.current = holdInput;
    if (holdInput || held.current === "") return;
    connectionRef.current?.input(held.current);
    held.current = "";
  }, [holdInput]);
  // Callbacks change identity on every render of the panel; the effect below must not.
  const onStateRef = useRef(onStateChange);
  useEffect(() => {
    onStateRef.current = onStateChange;
  });
  // Only the first attach may take the keyboard; a reconnect while the learner reads must not.
  const focusPending = useRef(autoFocus);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    let disposed = false;
    let noticeTimer: ReturnType<typeof setTimeout> | undefined;
    const cleanups: Array<() => void> = [];

    void (async () => {
      const [{ Terminal }, { FitAddon }, { Unicode11Addon }, { WebLinksAddon }, { WebglAddon }] = await Promise.all([
        import("@xterm/xterm"),
        import("@xterm/addon-fit"),
        import("@xterm/addon-unicode11"),
        import("@xterm/addon-web-links"),
        import("@xterm/addon-webgl"),
      ]);
      if (disposed) return;
      const dark = window.matchMedia(DARK_QUERY);
      const term = new Terminal({
        // The unicode API that makes Hangul two cells wide is still marked proposed.
        allowProposedApi: true,
        fontFamily: TERMINAL_FONT,
        fontSize: 14,
        cursorBlink: true,
        scrollback: 5000,
        macOptionIsMeta: true,
        theme: themeFor(dark.matches),
      });
      termRef.current = term;
      cleanups.push(() => term.dispose());
      const fit = new FitAddon();
      term.loadAddon(fit);
      term.loadAddon(new Unicode11Addon());
      term.unicode.activeVersion = "11";
      term.loadAddon(new WebLinksAddon());
      term.open(host);
      // WebGL is much faster for floods of output; without a GPU, or when the browser drops
      // the context, xterm.js falls back to its DOM renderer once the addon is gone.
      try {
        const webgl = new WebglAddon();
        webgl.onContextLoss(() => webgl.dispose());
        term.loadAddon(webgl);
      } catch {
        // DOM renderer
      }

      const refit = () => {
        if (disposed || host.clientWidth === 0 || host.clientHeight === 0) return;
        try {
          fit.fit();
        } catch {
          // A terminal measured mid-layout; the next resize fits it.
        }
      };
      refit();
      let frame = 0;
      const observer = new ResizeObserver(() => {
        cancelAnimationFrame(frame);
        frame = requestAnimationFrame(refit);
      });
      observer.observe(host);
      cleanups.push(() => {
        observer.disconnect();
        cancelAnimationFrame(frame);
      });
      // The page's web fonts change the layout around the terminal while they load.
      void document.fonts?.ready.then(refit);
      // Hangul's font is fetched by unicode-range when the terminal first shows a Korean
      // character, after xterm.js drew it with a fallback; draw it again once it is here.
      const onFontsLoaded = () => {
        if (disposed) return;
        term.clearTextureAtlas();
        term.refresh(0, term.rows - 1);
      };
      document.fonts?.addEventListener("loadingdone", onFontsLoaded);
      cleanups.push(() => document.fonts?.removeEventListener("loadingdone", onFontsLoaded));

      const onScheme = (e: MediaQueryListEvent) => (term.options.theme = themeFor(e.matches));
      dark.addEventListener("change", onScheme);
      cleanups.push(() => dark.removeEventListener("change", onScheme));

      term.attachCustomKeyEventHandler((e) => {
        const chord = (e.ctrlKey || e.metaKey) && e.shiftKey && !e.altKey;
        if (chord && e.code === "KeyC") {
          if (e.type === "keydown" && term.hasSelection()) void navigator.clipboard?.writeText(term.getSelection()).catch(() => undefined);
          e.preventDefault();
          return false;
        }
        // Left to the browser, which fires a paste event that xterm.js turns into input.
        if (chord && e.code === "KeyV") return false;
        return true;
      });

      const notify = (kind: "input-dropped" | "held-full") => {
        if (disposed) return;
        setNotice(kind);
        clearTimeout(noticeTimer);
        noticeTimer = setTimeout(() => setNotice(null), NOTICE_MS);
      };
      const connection = new TerminalConnection({
        ticket: freshTicket,
        open: (token, size) => new WebSocket(socketURL(token, size.cols, size.rows)),
        size: () => ({ cols: term.cols, rows: term.rows }),
        write: (data, rendered) => term.write(data, rendered),
        onState: (next) => {
          if (disposed) return;
          // The server redraws the whole screen and scrollback after every attach; a reset
          // queued before that redraw keeps a reconnect from showing the history twice.
          if (next.kind === "attached") {
            term.write("\x1bc");
            if (focusPending.current) {
              term.focus();
              focusPending.current = false;
            }
          }
          setState(next);
          onStateRef.current?.(next);
        },
        onNotice: (kind) => notify(kind),
      });
      cleanups.push(() => clearTimeout(noticeTimer));
      connectionRef.current = connection;
      cleanups.push(() => connection.dispose());
      const type = (data: string) => {
        if (!holding.current) return connection.input(data);
        if (held.current.length + data.length > HELD_INPUT_MAX) return notify("held-full");
        held.current += data;
      };
      const input = term.onData(type);
      const binary = term.onBinary((data) => connection.binary(data));
      const resize = term.onResize((size) => connection.resize(size));
      cleanups.push(() => [input, binary, resize].forEach((d) => d.dispose()));

      const onRun = (e: Event) => {
        const command = (e as CustomEvent<RunDetail>).detail?.command;
        if (typeof command !== "string") return;
        type(commandInput(command));
        term.focus();
      };
      window.addEventListener(RUN_EVENT, onRun);
      cleanups.push(() => window.removeEventListener(RUN_EVENT, onRun));

      // Test hooks, read by the end-to-end tests through the page: the text of this
      // learner's own screen and the cursor position, nothing the page does not already
      // show. Non-enumerable, so nothing iterating the element sees them.
      Object.defineProperty(host, "kubelabBuffer", {
        configurable: true,
        value: () => {
          const buffer = term.buffer.active;
          const lines: string[] = [];
          for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? "");
          return lines.join("\n");
        },
      });
      Object.defineProperty(host, "kubelabCursor", {
        configurable: true,
        value: () => ({ x: term.buffer.active.cursorX, y: term.buffer.active.cursorY }),
      });
      cleanups.push(() => {
        delete host.kubelabBuffer;
        delete host.kubelabCursor;
      });

      connection.connect();
    })().catch(() => {
      // The terminal's code could not be loaded (a dropped connection mid-download).
      if (!disposed) setState({ kind: "refused", reason: "error" });
    });

    return () => {
      disposed = true;
      connectionRef.current = null;
      termRef.current = null;
      for (const cleanup of cleanups.reverse()) cleanup();
    };
  }, [sandboxId]);

  const retry = () => {
    const connection = connectionRef.current;
    // Without a connection the terminal itself never loaded; loading the page again is the retry.
    if (!connection) return window.location.reload();
    connection.connect();
    termRef.current?.focus();
  };

  return (
    <div className="terminal-frame">
      <div ref={hostRef} className="terminal-host" data-testid="terminal" data-terminal-state={phaseName(state)} aria-label={t("label")} />
      <TerminalOverlay state={state} busyMessage={busyMessage} onRetry={retry} />
      {notice ? (
        <p className="terminal-notice" role="status" data-testid="terminal-notice" data-notice={notice}>
          {t(notice === "input-dropped" ? "inputDropped" : "heldFull")}
        </p>
      ) : holdInput && state.kind === "attached" && !busyMessage ? (
        <p className="terminal-notice" role="status" data-testid="terminal-preparing">
          <span className="spinner" aria-hidden="true" /> {t("preparing")}
        </p>
      ) : null}
    </div>
  );
}

function TerminalOverlay({ state, busyMessage, onRetry }: { state: ConnectionState; busyMessage?: string; onRetry(): void }) {
  const t = useTranslations("Lab.terminal");
  if (busyMessage) {
    return (
      <div className="terminal-overlay" role="status">
        <p className="terminal-overlay-text">
          <span className="spinner" aria-hidden="true" /> {busyMessage}
        </p>
      </div>
    );
  }
  switch (state.kind) {
    case "connecting":
      return (
        <div className="terminal-overlay terminal-overlay-quiet" role="status">
          <p className="terminal-overlay-text">
            <span className="spinner" aria-hidden="true" /> {t("connecting")}
          </p>
        </div>
      );
    case "reconnecting":
      return (
        <div className="terminal-overlay" role="status" data-testid="terminal-message">
          <p className="terminal-overlay-text">
            <span className="spinner" aria-hidden="true" /> {t("reconnecting")}
          </p>
          <p className="muted">{t("reconnectingDetail")}</p>
        </div>
      );
    case "refused":
      return (
        <div className="terminal-overlay" role="alert" data-testid="terminal-message" data-reason={state.reason}>
          <p className="terminal-overlay-title">{t(`refused.${state.reason}.title`)}</p>
          <p>{t(`refused.${state.reason}.body`)}</p>
          <button type="button" className="button button-primary" onClick={onRetry} data-testid="terminal-retry">
            {t("retry")}
          </button>
        </div>
      );
    case "exited":
      return (
        <div className="terminal-overlay" role="status" data-testid="terminal-message">
          <p className="terminal-overlay-title">{t("exited", { code: state.code })}</p>
          <p>{t("exitedBody")}</p>
          <button type="button" className="button button-primary" onClick={onRetry} data-testid="terminal-retry">
            {t("newShell")}
          </button>
        </div>
      );
    case "gone":
      // Normally the panel replaces the terminal at once; this covers the moment before.
      return (
        <div className="terminal-overlay" role="status" data-testid="terminal-message">
          <p className="terminal-overlay-title">{t("gone")}</p>
          <button type="button" className="button" onClick={onRetry} data-testid="terminal-retry">
            {t("retry")}
          </button>
        </div>
      );
    default:
      return null;
  }
}
