import { useEffect, useState, type ReactNode } from 'react';
import { ticketUrl } from '../api.js';

/**
 * A link to a file, PDF or export. Its href is the bare path (no credential); a click asks for a download ticket
 * first and opens the path with it, in a new tab when `newTab`.
 */
export function FileLink({ path, newTab, children }: { path: string; newTab?: boolean; children: ReactNode }) {
  return (
    <a
      href={path}
      target={newTab ? '_blank' : undefined}
      rel={newTab ? 'noreferrer' : undefined}
      onClick={async (e) => {
        e.preventDefault();
        // the tab is opened within the click (popup blockers), then sent to the ticket's URL
        const tab = newTab ? window.open('about:blank', '_blank') : null;
        try {
          const url = await ticketUrl(path);
          if (tab) {
            tab.opener = null;
            tab.location.href = url;
          } else {
            const a = document.createElement('a');
            a.href = url;
            a.click();
          }
        } catch {
          tab?.close();
        }
      }}
    >
      {children}
    </a>
  );
}

/** The path with a fresh download ticket (for a frame's src), or null while it is being asked for. */
export function useTicketUrl(path: string): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setUrl(null);
    ticketUrl(path).then(
      (u) => live && setUrl(u),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [path]);
  return url;
}
