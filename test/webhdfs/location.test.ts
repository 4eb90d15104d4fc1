import * as assert from 'node:assert/strict';
import { parseWebHdfsLocation, isWebHdfsLocation, WebHdfsLocationError } from '../../connectors/webhdfs/webhdfs-location';
import { encodeHdfsPath } from '../../connectors/webhdfs/webhdfs-client';
import { backoffDelay } from '../../connectors/webhdfs/retry-policy';
import { errorFromResponse, handlingOf } from '../../connectors/webhdfs/errors';
import { openSink } from '../../src/connector-factory';
import { WebHdfsSink } from '../../connectors/sinks/webhdfs-sink';

describe('WebHDFS sink locations', () => {
  it('reads webhdfs://, swebhdfs:// and http(s)://…/webhdfs/v1/ URLs with several NameNodes and parameters', () => {
    const ha = parseWebHdfsLocation('webhdfs://nn1:9870,nn2/warehouse/events/?user.name=etl&doas=analyst&datanode.dn7=10.0.0.7', {});
    assert.deepEqual(ha, {
      nameNodes: ['http://nn1:9870', 'http://nn2:9870'], root: '/warehouse/events', user: 'etl', doas: 'analyst', delegation: undefined,
      dataNodeHosts: { dn7: '10.0.0.7' },
    });
    const https = parseWebHdfsLocation('https://nn:9871/webhdfs/v1/data/dt%3Dx?delegation=TOKEN', { HADOOP_USER_NAME: 'hdfs', SLUICE_WEBHDFS_DATANODES: 'a=b,c:1=d:2' });
    assert.deepEqual(https, { nameNodes: ['https://nn:9871'], root: '/data/dt=x', user: 'hdfs', doas: undefined, delegation: 'TOKEN', dataNodeHosts: { a: 'b', 'c:1': 'd:2' } });
    assert.equal(parseWebHdfsLocation('swebhdfs://nn', {}).nameNodes[0], 'https://nn:9871');
    assert.equal(parseWebHdfsLocation('webhdfs://nn:50070', {}).root, '/');
  });

  it('names what is wrong with a bad location', () => {
    assert.throws(() => parseWebHdfsLocation('webhdfs://nn/a/../../etc', {}), (e: unknown) => e instanceof WebHdfsLocationError && /may not contain "\.\."/.test(e.message));
    assert.throws(() => parseWebHdfsLocation('webhdfs://nn/a?user=x', {}), /unknown parameter "user"/);
    assert.throws(() => parseWebHdfsLocation('webhdfs://n n/a', {}), /"n n" is not a host/);
    assert.throws(() => parseWebHdfsLocation('http://nn:9870/data', {}), /expected webhdfs:\/\//);
    assert.equal(isWebHdfsLocation('http://nn:9870/data'), false);
    assert.throws(() => openSink('s3://bucket/x'), /expected a local path, file:\/\/, webhdfs:\/\//);
    assert.ok(openSink('webhdfs://nn:9870/w') instanceof WebHdfsSink);
  });

  it('keeps Hive\'s "=" unescaped in paths and escapes what HDFS would misread', () => {
    assert.equal(encodeHdfsPath('/t/dt=2026-11-21/hr=05/a b%+#?.avro'), '/t/dt=2026-11-21/hr=05/a%20b%25%2B%23%3F.avro');
  });

  it('backs off exponentially with full jitter, capped', () => {
    const policy = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1000 };
    assert.deepEqual([0, 1, 2, 3, 4, 5].map((retry) => backoffDelay(policy, retry, () => 0.999)), [99, 199, 399, 799, 999, 999]);
    assert.equal(backoffDelay(policy, 3, () => 0), 0);
  });

  it('reads RemoteExceptions and tells retriable and failover cases from answers about the namespace', () => {
    const standby = errorFromResponse('RENAME', '/a', 403, Buffer.from('{"RemoteException":{"exception":"StandbyException","javaClassName":"org.apache.hadoop.ipc.StandbyException","message":"Operation category READ is not supported in state standby"}}'));
    assert.deepEqual([standby.exception, standby.javaClassName, standby.retriable, standby.failover], ['StandbyException', 'org.apache.hadoop.ipc.StandbyException', true, true]);
    assert.match(standby.message, /RENAME \/a: 403 StandbyException: Operation category READ/);
    assert.deepEqual(handlingOf('RetriableException', 403), { retriable: true, failover: true });
    assert.deepEqual(handlingOf('SafeModeException', 403), { retriable: true, failover: false });
    assert.deepEqual(handlingOf('FileAlreadyExistsException', 500), { retriable: false, failover: false }, 'HttpFS sends 500 for this too');
    assert.deepEqual(handlingOf('AccessControlException', 403), { retriable: false, failover: false });
    assert.deepEqual(handlingOf('IOException', 500), { retriable: true, failover: false });
    const html = errorFromResponse('OPEN', '/a', 502, Buffer.from('<html>Bad Gateway</html>'));
    assert.deepEqual([html.exception, html.retriable], ['HTTP502', true]);
  });
});
