// A second process writing to the same SQLite database, as the CLI does while the server runs.
import { openStore } from '../../../src/store/database.js';
import { createOrganization } from '../../../src/store/organizations.js';

const [dataDir = '', count = '0'] = process.argv.slice(2);
const store = await openStore({ dataDir });
process.stdout.write('ready\n');
for (let i = 0; i < Number(count); i++) {
  await store.transaction((trx) =>
    createOrganization(trx, { slug: `child-${i}`, name: 'Child', now: new Date().toISOString() }),
  );
}
await store.close();
