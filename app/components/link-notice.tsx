/** A confirmation with a secret link to hand on (set-password, invitation): shown once, selectable to copy. */
export function LinkNotice({ message, link, label }: { message: string; link?: string | null; label: string }) {
  return (
    <div role="status" className="notice">
      <p>{message}</p>
      {link ? (
        <p>
          <input type="text" readOnly value={link} aria-label={label} className="link-to-copy" size={80} />
        </p>
      ) : null}
    </div>
  );
}
