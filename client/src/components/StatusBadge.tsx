import { useReference } from '../lib/reference';

/** A filing's state, named in the reader's language, coloured by how it stands. */
export function StatusBadge({ status }: { status: string }) {
  const { name } = useReference();
  return <span className={`badge badge-${status}`}>{name('statuses', status)}</span>;
}
