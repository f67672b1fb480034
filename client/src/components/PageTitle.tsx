import { useEffect, useRef, type ReactNode } from 'react';

/**
 * The page's heading: sets the document title and takes focus when the page opens, so a screen
 * reader announces where a client-side navigation led.
 */
export function PageTitle({ children, title }: { children: ReactNode; title: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · نقش Naqsh`;
  }, [title]);
  useEffect(() => {
    ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1} className="page-title">
      {children}
    </h1>
  );
}
