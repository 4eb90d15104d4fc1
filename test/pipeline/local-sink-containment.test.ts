import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalSink } from '../../connectors/sinks/local-sink';
import { SinkError } from '../../src/ports/sink';
import { useTempDir } from '../helpers/temp-dir';
import { listFiles } from '../helpers/page-views';

describe('the local sink stays inside its root', () => {
  const tmp = useTempDir();
  const root = () => path.join(tmp(), 'warehouse');
  const outside = () => path.join(tmp(), 'outside');
  const escape = /leads outside the sink root .* through a symlink/;

  beforeEach(() => {
    fs.mkdirSync(root(), { recursive: true });
    fs.mkdirSync(outside(), { recursive: true });
    fs.writeFileSync(path.join(outside(), 'secret'), 'keep me');
  });

  async function refused(what: string, attempt: () => Promise<unknown>): Promise<void> {
    await assert.rejects(attempt, (e: unknown) => e instanceof SinkError && escape.test(e.message), what);
  }

  it('refuses every operation through a symlinked directory that leads outside, and changes nothing there', async () => {
    fs.symlinkSync(outside(), path.join(root(), 'link'));
    const sink = new LocalSink(root());
    const local = path.join(tmp(), 'data.bin');
    fs.writeFileSync(local, 'data');
    await refused('writeFile', () => sink.writeFile('link/new.json', Buffer.from('x')));
    await refused('writeFile below', () => sink.writeFile('link/deeper/new.json', Buffer.from('x')));
    await refused('upload', () => sink.upload(local, 'link/data.bin'));
    await refused('append', () => sink.append('link/secret', Buffer.from('more')));
    await refused('mkdirs', () => sink.mkdirs('link/dir'));
    await refused('readFile', () => sink.readFile('link/secret'));
    await refused('rename into', () => sink.rename('x', 'link/x'));
    await refused('delete', () => sink.delete('link/secret', false));
    await refused('status', () => sink.status('link/secret'));
    assert.throws(() => sink.localPath('link/part.parquet'), escape, 'writers given a local path are refused too');
    assert.deepEqual(listFiles(outside()), ['secret']);
    assert.equal(fs.readFileSync(path.join(outside(), 'secret'), 'utf8'), 'keep me');
  });

  it('refuses a symlinked file and a dangling symlink that lead outside', async () => {
    fs.symlinkSync(path.join(outside(), 'secret'), path.join(root(), 'file-link'));
    fs.symlinkSync(path.join(outside(), 'not-yet'), path.join(root(), 'dangling'));
    const sink = new LocalSink(root());
    await refused('append to a file link', () => sink.append('file-link', Buffer.from('more')));
    await refused('append to a dangling link', () => sink.append('dangling', Buffer.from('created?')));
    assert.equal(fs.existsSync(path.join(outside(), 'not-yet')), false);
    assert.equal(fs.readFileSync(path.join(outside(), 'secret'), 'utf8'), 'keep me');
  });

  it('still refuses ../ lexically, and allows symlinks that stay inside, and a root that is itself a symlink', async () => {
    const sink = new LocalSink(root());
    assert.throws(() => sink.localPath('../outside/secret'), /leads outside the sink root$/);
    fs.mkdirSync(path.join(root(), 'real'));
    fs.symlinkSync(path.join(root(), 'real'), path.join(root(), 'inner'));
    await sink.writeFile('inner/a.json', Buffer.from('a'));
    assert.equal(fs.readFileSync(path.join(root(), 'real/a.json'), 'utf8'), 'a');
    const alias = path.join(tmp(), 'alias');
    fs.symlinkSync(root(), alias);
    const viaAlias = new LocalSink(alias);
    await viaAlias.writeFile('b/b.json', Buffer.from('b'));
    assert.equal(fs.readFileSync(path.join(root(), 'b/b.json'), 'utf8'), 'b');
  });

  it('fails at once, naming the path, for a root that is not a usable directory', async () => {
    const file = path.join(tmp(), 'a-file');
    fs.writeFileSync(file, 'x');
    assert.throws(() => new LocalSink(file), (e: unknown) => e instanceof SinkError && e.message === `open ${file}: not a usable directory: ${file} is not a directory`);
    assert.throws(() => new LocalSink(path.join(file, 'below')), /not a usable directory: .*a-file is not a directory/);
    const sink = new LocalSink(root());
    fs.writeFileSync(path.join(root(), 'plain'), 'x');
    await assert.rejects(sink.writeFile('plain/child.json', Buffer.from('x')), /mkdirs plain\/child\.json: .*plain is not a directory/);
  });
});
