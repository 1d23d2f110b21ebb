import { Link } from '~/components/ui/link';

/** "And 132 more on the agenda": a list shortened to its first few says so, and links to where the rest are. */
export function More({ shown, total, to, children }: { shown: number; total: number; to: string; children: string }) {
  if (total <= shown) return null;
  return (
    <p className="muted">
      <Link to={to}>
        And {total - shown} more {children}
      </Link>
    </p>
  );
}

/** A shortened list's heading carries its whole count: "My projects (65)". */
export const countedTitle = (title: string, shown: number, total: number) =>
  total > shown ? `${title} (${total})` : title;
