/**
 * The layout of the generated groups and their Graph records. Index order matters: department
 * groups sit at 2..departmentCount+1 (group 1 nests them), and project groups only ever nest
 * groups with a lower index, so nesting can never form a cycle.
 */
import type { GroupRecord } from './directory-types.js';
import { Salt, deterministicGuid, hash32 } from './ids.js';
import { departments, projectWords } from './names.js';

export type GroupSpec =
  | { kind: 'allUsers' }
  | { kind: 'allDepartments' }
  | { kind: 'department'; department: number }
  | { kind: 'guests' }
  | { kind: 'project' }
  | { kind: 'empty' };

export interface GroupLayout {
  specs: GroupSpec[];
  departmentCount: number;
}

export function groupLayout(_seed: number, groups: number): GroupLayout {
  const specs: GroupSpec[] = [];
  if (groups >= 1) specs.push({ kind: 'allUsers' });
  const departmentCount =
    groups >= 3 ? Math.min(departments.length, Math.max(1, Math.floor((groups - 2) / 4))) : 0;
  if (departmentCount > 0) {
    specs.push({ kind: 'allDepartments' });
    for (let d = 0; d < departmentCount; d++) specs.push({ kind: 'department', department: d });
  }
  if (specs.length < groups) specs.push({ kind: 'guests' });
  const projects = groups - specs.length;
  for (let k = 0; k < projects; k++) {
    // One project group stays empty: an empty group is a case a sync must survive.
    specs.push(projects >= 3 && k === projects - 1 ? { kind: 'empty' } : { kind: 'project' });
  }
  return { specs, departmentCount };
}

const projectKinds = ['Project', 'Team', 'Guild', 'Committee', 'Working Group'] as const;

function groupName(seed: number, j: number, spec: GroupSpec): { displayName: string; description: string } {
  switch (spec.kind) {
    case 'allUsers':
      return { displayName: 'All Users', description: 'Every user in the tenant' };
    case 'allDepartments':
      return {
        displayName: 'All Departments',
        description: 'Holds one group per department (nested groups)',
      };
    case 'department': {
      const name = departments[spec.department] ?? `Department ${spec.department}`;
      return { displayName: `Dept: ${name}`, description: `Members of the ${name} department` };
    }
    case 'guests':
      return { displayName: 'External Guests', description: 'Invited guest users' };
    case 'empty':
      return { displayName: `Empty Group ${j}`, description: 'A group without members' };
    case 'project': {
      const h = hash32(seed, Salt.groupDetails, j);
      const word = projectWords[h % projectWords.length] ?? 'Aurora';
      const kind = projectKinds[(h >>> 8) % projectKinds.length] ?? 'Project';
      return { displayName: `${kind} ${word} ${j}`, description: `${kind} ${word}` };
    }
  }
}

const nickname = (displayName: string): string =>
  displayName
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 56) || 'group';

export function buildGroupRecord(seed: number, j: number, spec: GroupSpec, domain: string): GroupRecord {
  const { displayName, description } = groupName(seed, j, spec);
  const h = hash32(seed, Salt.groupDetails, j + 0x40000000);
  // About a third of project groups are Microsoft 365 groups (groupTypes ["Unified"], mail-enabled).
  const unified = spec.kind === 'project' && h % 3 === 0;
  const mailNickname = `${nickname(displayName)}${j}`;
  return {
    id: deterministicGuid(seed, Salt.groupId, j),
    displayName,
    description,
    mail: unified ? `${mailNickname}@${domain}` : null,
    mailEnabled: unified,
    mailNickname,
    securityEnabled: !unified,
    groupTypes: unified ? ['Unified'] : [],
    visibility: unified ? ((h >>> 4) % 2 === 0 ? 'Private' : 'Public') : null,
    createdDateTime: new Date(Date.UTC(2018, 6, 1) + j * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}
