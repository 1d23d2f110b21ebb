import { Link } from '~/components/ui/link';

/** Previous / "Page n of m" / Next, as links (works without JavaScript); nothing when there is one page. */
export function Pagination({
  label = 'Pages',
  page,
  pages,
  href,
}: {
  label?: string;
  page: number;
  pages: number;
  href: (page: number) => string;
}) {
  if (pages <= 1) return null;
  return (
    <nav aria-label={label} className="pagination">
      {page > 1 ? (
        <Link to={href(page - 1)} preventScrollReset>
          Previous
        </Link>
      ) : (
        <span className="muted">Previous</span>
      )}
      <span>
        Page {Math.min(page, pages)} of {pages}
      </span>
      {page < pages ? (
        <Link to={href(page + 1)} preventScrollReset>
          Next
        </Link>
      ) : (
        <span className="muted">Next</span>
      )}
    </nav>
  );
}
