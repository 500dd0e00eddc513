/**
 * Generated users: cheap traits (used in bulk to build memberships) and the full Graph record
 * (built on demand, one user at a time).
 */
import type { UserRecord } from './directory-types.js';
import { Salt, deterministicGuid, hash32, pick } from './ids.js';
import {
  departments,
  givenNames,
  guestDomains,
  jobTitles,
  languages,
  offices,
  surnames,
  wholeNames,
  type Name,
} from './names.js';

export interface UserTraits {
  guest: boolean;
  disabled: boolean;
  noMail: boolean;
  /** Index into the tenant's department groups (or the department list when there are none). */
  department: number;
}

/** Users 0–6 are fixed so even a tiny tenant has every case a sync must handle. */
const fixedTraits: Readonly<Record<number, Partial<UserTraits>>> = {
  0: { guest: false, disabled: false, noMail: false },
  1: { guest: false, disabled: false, noMail: false },
  2: { guest: false, disabled: false, noMail: false },
  3: { guest: false, disabled: false, noMail: false },
  4: { guest: true, disabled: false, noMail: false },
  5: { guest: false, disabled: true, noMail: false },
  6: { guest: false, disabled: false, noMail: true },
};

export function userTraits(seed: number, i: number, departmentCount: number): UserTraits {
  const h = hash32(seed, Salt.userTraits, i);
  const generated: UserTraits = {
    guest: h % 100 < 4,
    disabled: (h >>> 8) % 100 < 5,
    noMail: (h >>> 16) % 100 < 5,
    department: pick(
      seed,
      Salt.userTraits,
      i + 0x40000000,
      departmentCount > 0 ? departmentCount : departments.length,
    ),
  };
  if (i < 7) Object.assign(generated, fixedTraits[i]);
  // Guests are invited by their email address, so they always have one.
  if (generated.guest) generated.noMail = false;
  return generated;
}

interface PersonName {
  given: Name;
  surname: Name;
  /** East Asian names are displayed surname first ("李 娜"). */
  surnameFirst: boolean;
}

function personName(seed: number, i: number): PersonName {
  if (i === 1) return { given: ['Zoë', 'zoe'], surname: ['Ångström', 'angstrom'], surnameFirst: false };
  if (i === 2) return { given: ['娜', 'na'], surname: ['李', 'li'], surnameFirst: true };
  if (i === 3) return { given: ['José', 'jose'], surname: ['Müller', 'muller'], surnameFirst: false };
  const h = hash32(seed, Salt.userName, i);
  if (h % 12 === 0) {
    const whole = wholeNames[pick(seed, Salt.userName, i + 1, wholeNames.length)] ?? wholeNames[0]!;
    return { ...whole, surnameFirst: /[\u3040-\u9fff\uac00-\ud7af]/.test(whole.surname[0]) };
  }
  return {
    given: givenNames[pick(seed, Salt.userName, i + 2, givenNames.length)] ?? givenNames[0]!,
    surname: surnames[pick(seed, Salt.userName, i + 3, surnames.length)] ?? surnames[0]!,
    surnameFirst: false,
  };
}

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** createdDateTime spreads users over the years before 2024, in Graph's second-precision UTC format. */
function createdAt(seed: number, i: number): string {
  const start = Date.UTC(2019, 0, 1);
  const spread = 5 * 365 * 24 * 3600;
  const seconds = (hash32(seed, Salt.userDetails, i) % spread) + i;
  return new Date(start + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// No object spread here: this runs once per user per page and spread was 100× slower under tsx.
export function buildUserRecord(seed: number, i: number, traits: UserTraits, domain: string): UserRecord {
  const name = personName(seed, i);
  const displayName = name.surnameFirst
    ? `${name.surname[0]} ${name.given[0]}`
    : `${name.given[0]} ${name.surname[0]}`;
  const ascii = `${name.given[1]}.${name.surname[1]}${i}`;
  const detail = hash32(seed, Salt.userDetails, i);
  const id = deterministicGuid(seed, Salt.userId, i);
  const preferredLanguage = languages[(detail >>> 4) % languages.length] ?? null;
  const createdDateTime = createdAt(seed, i);
  if (traits.guest) {
    const external = guestDomains[(detail >>> 8) % guestDomains.length] ?? 'partner.example';
    const mail = `${ascii}@${external}`;
    // Entra's UPN for an invited guest: the email with '@' → '_', then '#EXT#@<tenant domain>'.
    const upnLocal = `${ascii}_${external}#EXT#`;
    return {
      id,
      displayName,
      givenName: name.given[0],
      surname: name.surname[0],
      userPrincipalName: `${upnLocal}@${domain}`,
      mail,
      mailNickname: upnLocal,
      otherMails: [mail],
      accountEnabled: !traits.disabled,
      userType: 'Guest',
      creationType: 'Invitation',
      externalUserState: 'Accepted',
      jobTitle: null,
      department: null,
      companyName: null,
      officeLocation: null,
      city: null,
      country: null,
      usageLocation: null,
      preferredLanguage,
      mobilePhone: null,
      businessPhones: [],
      employeeId: null,
      employeeType: null,
      createdDateTime,
    };
  }
  const office = offices[detail % offices.length] ?? offices[0]!;
  const upn = `${ascii}@${domain}`;
  // Real mail addresses are often capitalised differently from the UPN; matching must not care.
  const mail = traits.noMail
    ? null
    : (detail >>> 12) % 4 === 0
      ? `${capitalise(name.given[1])}.${capitalise(name.surname[1])}${i}@${domain}`
      : upn;
  return {
    id,
    displayName,
    givenName: name.given[0],
    surname: name.surname[0],
    userPrincipalName: upn,
    mail,
    mailNickname: ascii,
    otherMails: [],
    accountEnabled: !traits.disabled,
    userType: 'Member',
    creationType: null,
    externalUserState: null,
    jobTitle: jobTitles[(detail >>> 16) % jobTitles.length] ?? null,
    department: departments[traits.department] ?? null,
    companyName: 'Emulated Corp',
    officeLocation: office[0],
    city: office[1],
    country: office[2],
    usageLocation: office[3],
    preferredLanguage,
    mobilePhone:
      (detail >>> 20) % 3 === 0 ? null : `+1 555 01${String(i % 100).padStart(2, '0')} ${1000 + (i % 9000)}`,
    businessPhones: (detail >>> 22) % 2 === 0 ? [`+1 425 555 ${String(i % 10000).padStart(4, '0')}`] : [],
    employeeId: `E${100000 + i}`,
    employeeType: (detail >>> 24) % 10 === 0 ? 'Contractor' : 'Employee',
    createdDateTime,
  };
}
