import { useHref, useNavigate } from '@remix-run/react';
import { forwardRef, type AnchorHTMLAttributes, type MouseEvent } from 'react';

export interface LinkProps extends Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> {
  /**
   * A path in the app, resolved as Remix resolves it (relative paths against the route). Another site, a download
   * or a resource route (CSV, calendar feed, minutes) is a plain <a>, as the pages already write them.
   */
  to: string;
  preventScrollReset?: boolean;
}

/** A click the browser would follow in this tab: the main button, no modifier, no other target. */
function isPlainClick(event: MouseEvent<HTMLAnchorElement>, target: string | undefined): boolean {
  return (
    !event.defaultPrevented &&
    event.button === 0 &&
    (!target || target === '_self') &&
    !(event.metaKey || event.altKey || event.ctrlKey || event.shiftKey)
  );
}

/**
 * Every link in the app (the lint forbids Remix's own): an anchor with the href Remix would render, a client
 * navigation on a plain click once the page has hydrated, the browser's own link before that and without JavaScript.
 * Remix's <Link> renders React Router's, and between them each link resolved its path three times per render (two
 * useHref, the click handler's useResolvedPath) and set up prefetching that no link here uses: on a dashboard of 70
 * links, a third of the server's render (decision 025). This one resolves the path once.
 */
export const Link = forwardRef<HTMLAnchorElement, LinkProps>(function Link(
  { to, preventScrollReset, onClick, target, ...props },
  ref,
) {
  const href = useHref(to);
  const navigate = useNavigate();
  return (
    <a
      {...props}
      ref={ref}
      href={href}
      target={target}
      // Remix's mark for lazy route discovery: the route of a link is fetched before it is clicked.
      data-discover="true"
      onClick={(event) => {
        onClick?.(event);
        if (!isPlainClick(event, target)) return;
        event.preventDefault();
        // As React Router's links: a link to the page already shown replaces its history entry.
        const here = window.location.pathname + window.location.search + window.location.hash;
        navigate(to, { preventScrollReset, replace: here === href });
      }}
    />
  );
});
