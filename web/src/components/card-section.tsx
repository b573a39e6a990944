import { useId } from 'react';
import type { ReactNode } from 'react';

/** A card with a heading that names it: a region assistive technology lists by that heading. */
export function CardSection({
  title,
  className,
  children,
}: {
  title: string;
  className?: string;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <section className={className ? `card ${className}` : 'card'} aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}
