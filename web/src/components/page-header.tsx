import { useLayoutEffect } from 'react';
import type { ReactNode } from 'react';

export interface PageHeaderProps {
  title: string;
  description?: ReactNode;
  /** Buttons or links beside the title (e.g. "Add source"). */
  actions?: ReactNode;
}

/** The page's one `<h1>`, its description and actions; also the document's title. */
export function PageHeader({ title, description, actions }: PageHeaderProps) {
  // Set in the commit that shows the page, as the layout moves focus (app/layout.tsx): a passive
  // effect would run a task later.
  useLayoutEffect(() => {
    document.title = `${title} · ipnhub`;
  }, [title]);
  return (
    <div className="page-header">
      <div className="page-header-text">
        <h1>{title}</h1>
        {description ? <p className="page-description">{description}</p> : null}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </div>
  );
}
