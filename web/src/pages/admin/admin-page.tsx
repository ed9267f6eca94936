import { PageTitle } from '../../components/page.js';
import { Link, type AdminSection } from '../../router.js';
import { useSession } from '../../session.js';
import { ChannelsAdmin } from './channels-admin.js';
import { ClockPoliciesAdmin } from './clock-policies-admin.js';
import { LadderAdmin } from './ladder-admin.js';
import { PortalTextsAdmin } from './portal-texts-admin.js';
import { QuestionnaireAdmin } from './questionnaire-admin.js';
import { UsersAdmin } from './users-admin.js';

const SECTIONS: { section: AdminSection; label: string }[] = [
  { section: 'users', label: 'Users and roles' },
  { section: 'channels', label: 'Channels' },
  { section: 'questionnaires', label: 'Questionnaires' },
  { section: 'clocks', label: 'Clock policies' },
  { section: 'ladder', label: 'Escalation ladder' },
  { section: 'portal', label: 'Portal texts' },
];

/** Configuration of the platform. An administrator runs Candor but reads no case: the API refuses it. */
export function AdminPage({ section }: { section: AdminSection }) {
  const { me } = useSession();
  const current = SECTIONS.find((entry) => entry.section === section)!;
  if (me.role !== 'admin') {
    return (
      <>
        <PageTitle title="Administration">Administration</PageTitle>
        <p className="notice">Only administrators configure Candor. Your role is {me.role}.</p>
      </>
    );
  }
  return (
    <div className="admin-layout">
      <nav aria-label="Administration" className="admin-nav">
        <ul>
          {SECTIONS.map((entry) => (
            <li key={entry.section}>
              <Link to={`/admin/${entry.section}`} aria-current={entry.section === section ? 'page' : undefined}>
                {entry.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="admin-body">
        <PageTitle title={`${current.label} · Administration`}>{current.label}</PageTitle>
        <AdminSectionBody section={section} />
      </div>
    </div>
  );
}

function AdminSectionBody({ section }: { section: AdminSection }) {
  switch (section) {
    case 'channels':
      return <ChannelsAdmin />;
    case 'questionnaires':
      return <QuestionnaireAdmin />;
    case 'portal':
      return <PortalTextsAdmin />;
    case 'users':
      return <UsersAdmin />;
    case 'clocks':
      return <ClockPoliciesAdmin />;
    case 'ladder':
      return <LadderAdmin />;
  }
}
