import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ScimFilterError,
  parseAttributePath,
  parsePatchPath,
} from '../../../../src/connectors/scim/filter/index.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function assertPathError(parse: () => unknown, scimType: string, message: RegExp): void {
  assert.throws(parse, (error: unknown) => {
    assert.ok(error instanceof ScimFilterError);
    assert.equal(error.status, 400);
    assert.equal(error.scimType, scimType);
    assert.match(error.detail, message);
    return true;
  });
}

describe('RFC 7644 §3.4.2.2 attrPath (attributes, excludedAttributes, sortBy)', () => {
  test('reads a plain, a dotted and a URN-qualified attribute path', () => {
    assert.deepEqual(parseAttributePath('userName'), { attribute: 'userName' });
    assert.deepEqual(parseAttributePath('name.givenName'), { attribute: 'name', subAttribute: 'givenName' });
    assert.deepEqual(parseAttributePath(`${ENTERPRISE}:manager.value`), {
      uri: ENTERPRISE,
      attribute: 'manager',
      subAttribute: 'value',
    });
  });

  test('rejects a value path where only an attribute path is allowed', () => {
    assertPathError(() => parseAttributePath('emails[type eq "work"]'), 'invalidPath', /expected the end/);
  });

  test('rejects an empty or malformed attribute path with invalidPath', () => {
    assertPathError(() => parseAttributePath(''), 'invalidPath', /expected an attribute path/);
    assertPathError(() => parseAttributePath('9lives'), 'invalidPath', /not a valid number or name/);
    assertPathError(() => parseAttributePath('a..b'), 'invalidPath', /expected an attribute path/);
    assertPathError(() => parseAttributePath('notaurn:foo'), 'invalidPath', /expected an attribute path/);
  });
});

describe('RFC 7644 §3.5.2 PATCH paths', () => {
  test('reads attr, attr.sub and urn:…:attr', () => {
    assert.deepEqual(parsePatchPath('displayName'), { attrPath: { attribute: 'displayName' } });
    assert.deepEqual(parsePatchPath('name.familyName'), {
      attrPath: { attribute: 'name', subAttribute: 'familyName' },
    });
    assert.deepEqual(parsePatchPath(`${ENTERPRISE}:employeeNumber`), {
      attrPath: { uri: ENTERPRISE, attribute: 'employeeNumber' },
    });
  });

  test('reads attr[filter], as in Entra\'s members[value eq "…"] removal', () => {
    assert.deepEqual(parsePatchPath('members[value eq "7f4b"]'), {
      attrPath: { attribute: 'members' },
      valueFilter: { kind: 'comparison', path: { attribute: 'value' }, operator: 'eq', value: '7f4b' },
    });
  });

  test('reads attr[filter].sub, which filters do not allow but PATCH does', () => {
    assert.deepEqual(parsePatchPath('members[value eq "1"].display'), {
      attrPath: { attribute: 'members' },
      valueFilter: { kind: 'comparison', path: { attribute: 'value' }, operator: 'eq', value: '1' },
      subAttribute: 'display',
    });
    const path = parsePatchPath('emails[type eq "work"].value');
    assert.equal(path.subAttribute, 'value');
  });

  test('reads a URN-qualified value path', () => {
    const path = parsePatchPath(
      'urn:ietf:params:scim:schemas:core:2.0:User:addresses[type eq "work"].streetAddress',
    );
    assert.equal(path.attrPath.uri, 'urn:ietf:params:scim:schemas:core:2.0:User');
    assert.equal(path.subAttribute, 'streetAddress');
  });

  test('reports a malformed filter inside the brackets as invalidFilter (RFC 7644 §3.12)', () => {
    assertPathError(
      () => parsePatchPath('members[value eq ]'),
      'invalidFilter',
      /position 17: expected a value/,
    );
    assertPathError(
      () => parsePatchPath('emails[type xx "work"].value'),
      'invalidFilter',
      /expected an operator/,
    );
  });

  test('reports a malformed path outside the brackets as invalidPath', () => {
    assertPathError(
      () => parsePatchPath('emails[type eq "work"]value'),
      'invalidPath',
      /expected the end of the path/,
    );
    assertPathError(
      () => parsePatchPath('emails[type eq "work"].value.x'),
      'invalidPath',
      /expected the end/,
    );
    assertPathError(
      () => parsePatchPath('name.givenName[type eq "x"]'),
      'invalidPath',
      /only after an attribute name/,
    );
    assertPathError(
      () => parsePatchPath('display name'),
      'invalidPath',
      /position 8: expected the end of the path/,
    );
    assertPathError(() => parsePatchPath('"quoted"'), 'invalidPath', /expected an attribute path/);
  });
});
