/**
 * The SCIM attributes Roster understands: core User and Group (RFC 7643 §4.1, §4.2), the common
 * attributes (§3.1) and the Enterprise User extension (§4.3), with the characteristics of §2.2
 * and §7 (type, caseExact, mutability, returned, uniqueness). Filters use it for case rules and
 * types, PATCH for mutability and canonical names; /Schemas will be generated from it, so every
 * attribute keeps its `description`.
 *
 * Attributes not listed here (custom extensions such as
 * `urn:ietf:params:scim:schemas:extension:<Name>:2.0:User:<attr>`) are allowed and behave as
 * case-insensitive strings: see `describeUnknownAttribute`. Names match case-insensitively
 * (RFC 7643 §2.1).
 */
import type { AttrPath } from '../filter/ast.js';

export type ScimResourceType = 'User' | 'Group';
export type AttributeType =
  'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'binary' | 'reference' | 'complex';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';

export interface AttributeDefinition {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly caseExact: boolean;
  readonly mutability: Mutability;
  readonly returned: 'always' | 'never' | 'default' | 'request';
  readonly uniqueness: 'none' | 'server' | 'global';
  readonly required: boolean;
  readonly description: string;
  readonly subAttributes?: readonly AttributeDefinition[];
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
}

export interface SchemaDefinition {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly AttributeDefinition[];
}

export const USER_SCHEMA_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_USER_SCHEMA_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

type Characteristics = Partial<Omit<AttributeDefinition, 'name' | 'type' | 'description'>>;

function attr(name: string, type: AttributeType, description: string, more: Characteristics = {}) {
  const definition: AttributeDefinition = {
    name,
    type,
    multiValued: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    required: false,
    description,
    ...more,
  };
  return Object.freeze(definition);
}

const text = (name: string, description: string, more?: Characteristics) =>
  attr(name, 'string', description, more);

const complex = (
  name: string,
  description: string,
  subAttributes: readonly AttributeDefinition[],
  more: Characteristics = {},
) => attr(name, 'complex', description, { ...more, subAttributes: Object.freeze([...subAttributes]) });

/**
 * A multi-valued complex attribute with the sub-attributes all of them share (RFC 7643 §2.4).
 * `types` lists the canonical values of `type`, space-separated; `value` is absent for `addresses`.
 */
function multiValued(
  name: string,
  description: string,
  types: string,
  value: AttributeDefinition | undefined,
  more: Characteristics = {},
  extra: readonly AttributeDefinition[] = [],
) {
  const shared = [
    text('display', 'A human-readable name, primarily used for display purposes.'),
    text('type', 'A label indicating the attribute\u2019s function.', {
      canonicalValues: types === '' ? [] : types.split(' '),
    }),
    attr('primary', 'boolean', 'Whether this is the preferred value; true at most once (RFC 7643 §2.4).'),
  ];
  const subAttributes = [...(value === undefined ? [] : [value]), ...extra, ...shared];
  return complex(name, description, subAttributes, { multiValued: true, ...more });
}

const readOnly = { mutability: 'readOnly' } as const;
const serverAssigned = { ...readOnly, caseExact: true, returned: 'always', uniqueness: 'server' } as const;

/** RFC 7643 §3.1: present on every resource. */
export const COMMON_ATTRIBUTES: readonly AttributeDefinition[] = [
  text('id', 'Unique identifier, assigned by the service provider.', serverAssigned),
  text('externalId', 'Identifier of the resource as defined by the client.', { caseExact: true }),
  complex(
    'meta',
    'Resource metadata maintained by the service provider.',
    [
      text('resourceType', 'The name of the resource type of the resource.', { caseExact: true }),
      attr('created', 'dateTime', 'When the resource was added to the service provider.'),
      attr('lastModified', 'dateTime', 'When the resource was last updated.'),
      attr('location', 'reference', 'The URI of the resource.', { referenceTypes: ['uri'] }),
      text('version', 'The version (ETag) of the resource.', { caseExact: true }),
    ].map((sub) => Object.freeze({ ...sub, ...readOnly })),
    readOnly,
  ),
];

const nameParts = [
  text('formatted', 'The full name, formatted for display.'),
  text('familyName', 'The family name (last name in most Western languages).'),
  text('givenName', 'The given name (first name in most Western languages).'),
  text('middleName', 'The middle name(s).'),
  text('honorificPrefix', 'The honorific prefix(es), e.g. "Ms.".'),
  text('honorificSuffix', 'The honorific suffix(es), e.g. "III".'),
];

const addressParts = [
  text('formatted', 'The full mailing address, formatted for display.'),
  text('streetAddress', 'The full street address component.'),
  text('locality', 'The city or locality component.'),
  text('region', 'The state or region component.'),
  text('postalCode', 'The zip code or postal code component.'),
  text('country', 'The country name component, ISO 3166-1 alpha-2 ("US").'),
];

/**
 * A Group's `members` (RFC 7643 §4.2, §8.7.1): `value`, `$ref` and `type`, with no `display` and no
 * `primary`. Members are rows holding an id and a kind, so `$ref` and `type` are computed from the
 * member the id names: what a client sends for them is ignored, and they cannot be patched
 * (patch/group-members.ts). That is readOnly (RFC 7643 §2.2), not the `immutable` of §8.7.1,
 * which would let a client set them when it adds a member.
 */
function memberReference(name: string, description: string, more: Characteristics = {}) {
  const computed = { mutability: 'readOnly' } as const;
  return complex(
    name,
    description,
    [
      text('value', 'The `id` of the member.', { caseExact: true, mutability: 'immutable' }),
      attr('$ref', 'reference', 'The URI of the member resource.', {
        ...computed,
        referenceTypes: ['User', 'Group'],
      }),
      text('type', 'The type of the member resource: "User" or "Group".', {
        ...computed,
        canonicalValues: ['User', 'Group'],
      }),
    ],
    { multiValued: true, ...more },
  );
}

/**
 * A User's `groups` (RFC 7643 §4.1.2, §8.7.1): readOnly down to its sub-attributes, computed from
 * the memberships written through the Group resource. Roster returns direct memberships only.
 */
const userGroups = complex(
  'groups',
  'The groups the user is a direct member of; memberships change through the Group resource.',
  [
    text('value', 'The `id` of the group.', { caseExact: true }),
    attr('$ref', 'reference', 'The URI of the Group resource.', { referenceTypes: ['User', 'Group'] }),
    text('display', 'The group\u2019s displayName.'),
    text('type', 'How the user belongs to the group: "direct" or "indirect".', {
      canonicalValues: ['direct', 'indirect'],
    }),
  ].map((sub) => Object.freeze({ ...sub, ...readOnly })),
  { ...readOnly, multiValued: true },
);

/** Multi-valued attributes with a `value`: name, description, `type` values, value type and description. */
const pluralAttributes: readonly (readonly [string, string, string, AttributeType, string])[] = [
  ['emails', 'Email addresses for the user.', 'work home other', 'string', 'Email address (RFC 5321).'],
  ['phoneNumbers', 'Phone numbers.', 'work home mobile fax pager other', 'string', 'Phone number.'],
  ['ims', 'Instant messaging addresses.', 'aim gtalk icq xmpp msn skype qq yahoo', 'string', 'IM address.'],
  ['photos', 'URLs of images of the user.', 'photo thumbnail', 'reference', 'URL of an image.'],
  ['entitlements', 'Entitlements for the user.', '', 'string', 'The value of an entitlement.'],
  ['roles', 'Roles for the user.', '', 'string', 'The value of a role.'],
  ['x509Certificates', 'X.509 certificates.', '', 'binary', 'A DER-encoded X.509 certificate.'],
];

const requiredUnique = { required: true, uniqueness: 'server' } as const;

const userSchema: SchemaDefinition = {
  id: USER_SCHEMA_URN,
  name: 'User',
  description: 'User Account (RFC 7643 §4.1)',
  attributes: [
    text('userName', 'Unique identifier for the user, typically used to sign in.', requiredUnique),
    complex('name', 'The components of the user\u2019s real name.', nameParts),
    text('displayName', 'The name of the user, suitable for display to end-users.'),
    text('nickName', 'The casual way to address the user.'),
    attr('profileUrl', 'reference', 'A URI to the online profile.', { referenceTypes: ['external'] }),
    text('title', 'The user\u2019s title, such as "Vice President".'),
    text('userType', 'The relationship between the organization and the user, e.g. "Employee".'),
    text('preferredLanguage', 'The user\u2019s preferred written or spoken language (RFC 7231 §5.3.5).'),
    text('locale', 'The user\u2019s default location for localization, e.g. "en-US".'),
    text('timezone', 'The user\u2019s time zone in IANA format, e.g. "America/Los_Angeles".'),
    attr('active', 'boolean', 'The user\u2019s administrative status.'),
    text('password', 'The cleartext password.', { mutability: 'writeOnly', returned: 'never' }),
    ...pluralAttributes.map(([name, description, types, type, valueDescription]) =>
      multiValued(name, description, types, attr('value', type, valueDescription)),
    ),
    multiValued('addresses', 'Physical mailing addresses.', 'work home other', undefined, {}, addressParts),
    userGroups,
  ],
};

const enterpriseUserSchema: SchemaDefinition = {
  id: ENTERPRISE_USER_SCHEMA_URN,
  name: 'EnterpriseUser',
  description: 'Enterprise User (RFC 7643 §4.3)',
  attributes: [
    text('employeeNumber', 'Numeric or alphanumeric identifier assigned by the organization.'),
    text('costCenter', 'Identifies the name of a cost center.'),
    text('organization', 'Identifies the name of an organization.'),
    text('division', 'Identifies the name of a division.'),
    text('department', 'Identifies the name of a department.'),
    complex('manager', 'The user\u2019s manager.', [
      text('value', 'The `id` of the manager\u2019s User resource.', { caseExact: true }),
      attr('$ref', 'reference', 'The URI of the manager\u2019s User resource.', { referenceTypes: ['User'] }),
      text('displayName', 'The display name of the manager.', readOnly),
    ]),
  ],
};

const groupSchema: SchemaDefinition = {
  id: GROUP_SCHEMA_URN,
  name: 'Group',
  description: 'Group (RFC 7643 §4.2)',
  attributes: [
    // Unique per Entra's requirement, not RFC 7643's (see shared/reference/entra.md).
    text('displayName', 'A human-readable name for the group.', requiredUnique),
    memberReference('members', 'A list of members of the group.'),
  ],
};

const schemasByResourceType: Readonly<Record<ScimResourceType, readonly SchemaDefinition[]>> = {
  User: [userSchema, enterpriseUserSchema],
  Group: [groupSchema],
};

/** The core schema first, then its extensions; for /Schemas and /ResourceTypes. */
export function schemasFor(resourceType: ScimResourceType): readonly SchemaDefinition[] {
  return schemasByResourceType[resourceType];
}

const equalsIgnoreCase = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Rewrites a known schema URN to its canonical spelling; others are returned as written. */
export function canonicalSchemaUrn(uri: string): string {
  const known = [USER_SCHEMA_URN, GROUP_SCHEMA_URN, ENTERPRISE_USER_SCHEMA_URN];
  return known.find((urn) => equalsIgnoreCase(urn, uri)) ?? uri;
}

/** Whether `text` names the core schema of `resourceType` (`urn:…:core:2.0:User`), in any case. */
export function isCoreSchemaUrn(text: string, resourceType: ScimResourceType): boolean {
  const core = schemasFor(resourceType)[0];
  return core !== undefined && equalsIgnoreCase(core.id, text);
}

/**
 * Whether `text` names a whole extension schema of `resourceType` (the key that holds its
 * attributes, RFC 7643 §3.3): a known extension, or a custom `urn:…:<ResourceType>` URN.
 */
export function isExtensionSchemaUrn(text: string, resourceType: ScimResourceType): boolean {
  const [core, ...extensions] = schemasFor(resourceType);
  if (extensions.some((schema) => equalsIgnoreCase(schema.id, text))) return true;
  if (core !== undefined && equalsIgnoreCase(core.id, text)) return false;
  const suffix = `:${resourceType}`.toLowerCase();
  return /^urn:[a-z0-9][a-z0-9-]*:\S+$/i.test(text) && text.toLowerCase().endsWith(suffix);
}

type Definitions = readonly AttributeDefinition[] | undefined;

/** Finds an attribute or sub-attribute by name, case-insensitively (RFC 7643 §2.1). */
export function findAttribute(attributes: Definitions, name: string): AttributeDefinition | undefined {
  return attributes?.find((definition) => equalsIgnoreCase(definition.name, name));
}

/** Where an attribute lives: in the resource itself or under its extension URN (RFC 7643 §3.3). */
export interface AttributeLocation {
  /** The schema URN holding the attribute; undefined for the core schema and common attributes. */
  readonly extensionUrn: string | undefined;
  /** The canonical name, or the name as written for an unknown attribute. */
  readonly name: string;
  readonly definition: AttributeDefinition | undefined;
}

/**
 * Finds the schema and definition of `path`'s attribute (not its sub-attribute). Returns
 * undefined when `path.uri` names another resource type's core schema, which can never match.
 * Without a URN, core attributes win; extension attributes are found by name as well, since
 * RFC 7644 §3.10 only says clients SHOULD qualify them.
 */
export function locateAttribute(
  resourceType: ScimResourceType,
  path: AttrPath,
): AttributeLocation | undefined {
  const [core, ...extensions] = schemasFor(resourceType);
  const coreAttributes = [...(core?.attributes ?? []), ...COMMON_ATTRIBUTES];
  if (path.uri === undefined || (core !== undefined && equalsIgnoreCase(path.uri, core.id))) {
    const definition = findAttribute(coreAttributes, path.attribute);
    if (definition !== undefined || path.uri !== undefined) {
      return { extensionUrn: undefined, name: definition?.name ?? path.attribute, definition };
    }
    for (const schema of extensions) {
      const found = findAttribute(schema.attributes, path.attribute);
      if (found !== undefined) return { extensionUrn: schema.id, name: found.name, definition: found };
    }
    return { extensionUrn: undefined, name: path.attribute, definition: undefined };
  }
  const otherCore =
    equalsIgnoreCase(path.uri, USER_SCHEMA_URN) || equalsIgnoreCase(path.uri, GROUP_SCHEMA_URN);
  if (otherCore) return undefined;
  const schema = extensions.find((candidate) => equalsIgnoreCase(candidate.id, path.uri ?? ''));
  const definition = findAttribute(schema?.attributes, path.attribute);
  return { extensionUrn: schema?.id ?? path.uri, name: definition?.name ?? path.attribute, definition };
}

/**
 * The definition of the attribute or sub-attribute `path` names, or undefined when it is not in
 * our schema (callers then use `describeUnknownAttribute`).
 */
export function resolveAttribute(
  resourceType: ScimResourceType,
  path: AttrPath,
): AttributeDefinition | undefined {
  const definition = locateAttribute(resourceType, path)?.definition;
  if (path.subAttribute === undefined) return definition;
  return findAttribute(definition?.subAttributes, path.subAttribute);
}

/** Unknown attributes are allowed, and compare as case-insensitive strings. */
export function describeUnknownAttribute(name: string): AttributeDefinition {
  return attr(name, 'string', 'An attribute outside Roster\u2019s schema, stored as sent.');
}
