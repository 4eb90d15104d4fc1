import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateProtocolFiles } from '../../scripts/generate-protocol';

// Compiled to dist/test/protocol/, so the sources are three levels up.
const GENERATED_DIR = path.resolve(__dirname, '../../../src/protocol/generated');

describe('committed generated protocol code', () => {
  it("is exactly what the generator writes from Kafka's JSON definitions", function () {
    const messagesDir = process.env.KAFKA_MESSAGES_DIR;
    if (!messagesDir) {
      this.test!.title += ' (skipped: set KAFKA_MESSAGES_DIR to Kafka\'s clients/src/main/resources/common/message folder)';
      this.skip();
    }
    const expected = generateProtocolFiles(messagesDir);
    const committed = fs.readdirSync(GENERATED_DIR).filter((name) => name.endsWith('.ts'));
    assert.deepEqual(committed.sort(), [...expected.keys()].sort(), 'missing or extra files in src/protocol/generated');
    const regenerate = `regenerate with: npx tsc -p . && node dist/scripts/generate-protocol.js ${messagesDir}`;
    for (const [name, text] of expected) {
      assert.ok(fs.readFileSync(path.join(GENERATED_DIR, name), 'utf8') === text, `src/protocol/generated/${name} is out of date; ${regenerate}`);
    }
  });
});
