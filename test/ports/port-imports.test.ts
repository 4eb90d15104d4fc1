import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';

const PORTS_DIR = path.resolve(__dirname, '../../../src/ports');

describe('ports', () => {
  it('import nothing but other ports and the protocol layer, so every side may depend on them', () => {
    const files = fs.readdirSync(PORTS_DIR).filter((f) => f.endsWith('.ts'));
    assert.ok(files.includes('partition-store.ts'), `ports found: ${files.join(', ')}`);
    for (const file of files) {
      const source = fs.readFileSync(path.join(PORTS_DIR, file), 'utf8');
      for (const [, target] of source.matchAll(/from\s+'([^']+)'/g)) {
        const allowed = target.startsWith('./') || target.startsWith('../protocol/') || target.startsWith('node:');
        assert.ok(allowed, `src/ports/${file} imports ${target}`);
      }
    }
  });
});
