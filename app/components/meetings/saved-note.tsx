/** After a verdict: the item stays in view, says it was saved, and offers the next item. */
export function SavedNote({ nextHref, nextProject }: { nextHref: string; nextProject: string | null }) {
  return (
    <p className="saved-note" role="status">
      Verdict saved.{' '}
      <a href={nextHref} className="next-item">
        {nextProject ? `Next item: ${nextProject}` : 'Go to the end of the agenda'}
      </a>
    </p>
  );
}
