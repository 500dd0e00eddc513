import type { Runtime } from '../../runtime.js';
import { invalidInput } from '../../errors.js';
import type { GraphPage } from './graph-client.js';
import { openGraphConnection } from './graph-connections.js';
import { GraphError } from './graph-error.js';

export interface GraphGroupHit {
  id: string;
  displayName: string;
  description: string | null;
}

const select = '$select=id,displayName,description&$top=25';

/**
 * Finds groups by name as an admin types. `$search` on directory objects needs
 * `ConsistencyLevel: eventual` and matches words from their first character; where a tenant or
 * cloud refuses it (400), a `startswith` filter is the fallback.
 */
export async function searchGraphGroups(
  runtime: Runtime,
  connectionId: string,
  text: string,
  organizationId?: string,
): Promise<GraphGroupHit[]> {
  const term = text.trim();
  if (term === '') throw invalidInput('search text must not be empty', 'search');
  const { client } = await openGraphConnection(runtime, connectionId, organizationId);
  let page: GraphPage<Record<string, unknown>>;
  try {
    // Inside the quoted $search term, `"` and `\` are escaped with a backslash.
    const search = encodeURIComponent(`"displayName:${term.replace(/["\\]/g, (c) => `\\${c}`)}"`);
    page = await client.get(`/groups?$search=${search}&${select}&$count=true`, {
      headers: { ConsistencyLevel: 'eventual' },
    });
  } catch (error) {
    if (!(error instanceof GraphError) || error.httpStatus !== 400) throw error;
    // OData string literals double their single quotes.
    const filter = encodeURIComponent(`startswith(displayName,'${term.replaceAll("'", "''")}')`);
    page = await client.get(`/groups?$filter=${filter}&${select}`);
  }
  return page.value.map((group) => ({
    id: String(group.id),
    displayName: typeof group.displayName === 'string' ? group.displayName : '',
    description: typeof group.description === 'string' ? group.description : null,
  }));
}
