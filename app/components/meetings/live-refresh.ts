import { useLocation, useNavigation, useRevalidator } from '@remix-run/react';
import { useEffect, useRef } from 'react';

/**
 * While a meeting is in progress, its page reloads its data every few seconds, so reviewers see each other's
 * verdicts, pulls and action items without reloading (issue #21). Never while this user is editing a form on
 * the page (anything typed or chosen since the last navigation), nor while the tab is hidden or a request is on
 * its way. Without JavaScript the page is simply as loaded.
 */
export function useLiveRefresh(active: boolean, everyMs = 4_000) {
  const revalidator = useRevalidator();
  const navigation = useNavigation();
  const { key } = useLocation();
  const busy = useRef(false);
  busy.current = revalidator.state !== 'idle' || navigation.state !== 'idle';
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  const dirty = useRef(false);

  // A new location (a saved form, a link) starts clean.
  useEffect(() => {
    dirty.current = false;
  }, [key]);

  useEffect(() => {
    if (!active) return;
    const edited = (event: Event) => {
      if (event.target instanceof Element && event.target.closest('form[method="post" i]')) dirty.current = true;
    };
    document.addEventListener('input', edited, true);
    document.addEventListener('change', edited, true);
    const timer = window.setInterval(() => {
      if (dirty.current || busy.current || document.hidden) return;
      revalidate.current();
    }, everyMs);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('input', edited, true);
      document.removeEventListener('change', edited, true);
    };
  }, [active, everyMs]);
}
