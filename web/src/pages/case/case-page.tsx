import { useCallback, useEffect } from 'react';
import { ApiError } from '../../api/client.js';
import { cases } from '../../api/endpoints.js';
import { ErrorNotice, Loading, PageTitle } from '../../components/page.js';
import { humanize } from '../../format.js';
import { Link } from '../../router.js';
import { statusLabel } from '../../labels.js';
import { useApi } from '../../use-api.js';
import type { CaseWithWork } from '../../api/case-work.js';
import { AttachmentsSection } from './attachments-section.js';
import { FindingsSection } from './findings-section.js';
import { NextStepSection } from './next-step-section.js';
import { NotesSection } from './notes-section.js';
import { TasksSection } from './tasks-section.js';
import { MessagesSection } from './messages-section.js';
import { PeopleSection } from './people-section.js';
import { DueProcessSection } from './due-process-section.js';
import { ReviewSection } from './review-section.js';
import { RecordsSection } from './records-section.js';
import { ReportSection } from './report-section.js';
import { StatusPanel } from './status-panel.js';
import { TimelineSection } from './timeline-section.js';

/**
 * One case. Opening it is audited by the server (case.read), as is every reload; the page reloads
 * when the tab comes back into view, so a reply that arrived meanwhile is there.
 */
export function CasePage({ id }: { id: string }) {
  const loaded = useApi(() => cases.get(id), [id]);
  const { error, reload } = loaded;
  // TEMPORARY cast until CaseDetail's schema describes the work view (see api/case-work.ts).
  const detail = loaded.data as CaseWithWork | undefined;

  const refresh = useCallback(() => reload(), [reload]);
  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible') void reload();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [reload]);

  if (!detail) {
    if (error instanceof ApiError && error.status === 404) {
      return (
        <>
          <PageTitle title="Case not available">This case is not available to you</PageTitle>
          <p>
            Either there is no such case, or you may not open it: people in conflict with a case hold no key to it, people higher up the escalation
            ladder may open it only once it has escalated to them, and administrators never can.
          </p>
          <p>
            <Link to="/">Back to the cases</Link>
          </p>
        </>
      );
    }
    return error !== undefined ? <ErrorNotice error={error} /> : <Loading what="the case" />;
  }

  return (
    <>
      <p className="breadcrumb">
        <Link to="/">Cases</Link> <span aria-hidden="true">›</span> {detail.ref}
      </p>
      <div className="page-head">
        <PageTitle title={`Case ${detail.ref}`}>
          Case <span className="case-ref">{detail.ref}</span>
        </PageTitle>
        <p className="case-tags">
          <span className={`badge badge-status status-${detail.status}`}>{statusLabel(detail.status)}</span>
          {detail.overdue && <span className="badge badge-danger">Overdue</span>}
          <span className="badge">{humanize(detail.category)}</span>
          <span className="badge">Channel: {detail.channel}</span>
          <span className="badge">{humanize(detail.anonymity)}</span>
        </p>
      </div>
      {error !== undefined && <ErrorNotice error={error} />}
      <div className="case-layout">
        <div className="case-main">
          {detail.review && <ReviewSection detail={detail} onChanged={refresh} />}
          <ReportSection detail={detail} />
          <MessagesSection detail={detail} onChanged={refresh} />
          <FindingsSection detail={detail} onChanged={refresh} />
          {detail.kind === 'report' && <DueProcessSection detail={detail} onChanged={refresh} />}
          <NotesSection detail={detail} onChanged={refresh} />
          <TimelineSection detail={detail} />
        </div>
        <aside className="case-side" aria-label="Case status and records">
          <StatusPanel detail={detail} onChanged={refresh} />
          <NextStepSection detail={detail} onChanged={refresh} />
          <TasksSection detail={detail} onChanged={refresh} />
          {detail.kind === 'report' && <PeopleSection detail={detail} onChanged={refresh} />}
          <AttachmentsSection detail={detail} onChanged={refresh} />
          <RecordsSection caseId={detail.id} />
        </aside>
      </div>
    </>
  );
}
