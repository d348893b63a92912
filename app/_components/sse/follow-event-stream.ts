// Follows a server-sent event stream for as long as a component wants it. While the stream
// is CONNECTING the browser retries by itself; once it is CLOSED (a 401, a 503, a server that
// restarted in the middle of a class) the browser has given up, so it is opened again here,
// with the terminal's back-off. Every stream of the app goes through this one place.
import { backoffDelay } from "@/app/_components/lab/terminal-connection";

export interface EventStreamHandlers {
  /** Named events, each with its JSON data; a frame that is not JSON is skipped. */
  events: Record<string, (data: unknown) => void>;
  /** The connection dropped and the browser is retrying by itself. */
  onInterrupted?(): void;
  /** The browser gave up; a new connection follows after a back-off. */
  onClosed?(): void;
}

/** Returns the function that stops following. */
export function followEventStream(url: string, handlers: EventStreamHandlers): () => void {
  let source: EventSource | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  let stopped = false;
  const open = () => {
    source = new EventSource(url);
    for (const [name, handle] of Object.entries(handlers.events)) {
      source.addEventListener(name, (event) => {
        attempt = 0;
        let data: unknown;
        try {
          data = JSON.parse((event as MessageEvent<string>).data);
        } catch {
          return;
        }
        handle(data);
      });
    }
    source.onerror = () => {
      if (stopped) return;
      if (source?.readyState !== EventSource.CLOSED) {
        handlers.onInterrupted?.();
        return;
      }
      source.close();
      handlers.onClosed?.();
      retry = setTimeout(open, backoffDelay(attempt++));
    };
  };
  open();
  return () => {
    stopped = true;
    clearTimeout(retry);
    source?.close();
  };
}
