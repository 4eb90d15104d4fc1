import { strict as assert } from 'node:assert';
import { RequestMemory } from '../../src/broker/request-memory';

describe('RequestMemory (queued.max.request.bytes)', () => {
  it('lets a request in only if it fits, and admits waiters oldest first as room is given back', () => {
    const memory = new RequestMemory(100);
    const granted: string[] = [];
    assert.equal(memory.reserve(60, () => granted.push('a')), true);
    assert.equal(memory.reserve(60, () => granted.push('b')), false, '60 + 60 is over 100');
    assert.equal(memory.reserve(50, () => granted.push('c')), false);
    assert.equal(memory.reserve(30, () => granted.push('small')), true, 'a small request passes the large ones waiting');
    assert.equal(memory.usedBytes, 90);
    memory.release(60);
    assert.deepEqual(granted, ['b'], 'b waited longest and fits in 70; c (50) would not fit beside it');
    assert.equal(memory.usedBytes, 90);
    memory.release(30);
    assert.deepEqual(granted, ['b']);
    memory.release(60);
    assert.deepEqual(granted, ['b', 'c']);
    assert.equal(memory.usedBytes, 50);
    assert.equal(memory.waitingCount, 0);
  });

  it('counts bytes that arrived whole even past the cap, and lets one oversized request in when nothing else holds room', () => {
    const memory = new RequestMemory(100);
    memory.hold(120);
    let granted = false;
    assert.equal(memory.reserve(1, () => (granted = true)), false, 'over the cap, nothing more is read');
    memory.release(120);
    assert.equal(granted, true);
    memory.release(1);
    assert.equal(memory.reserve(500, () => undefined), true, 'larger than the whole cap, but alone');
    assert.equal(memory.reserve(1, () => undefined), false);
  });

  it('forgets a cancelled waiter, and has no cap at -1', () => {
    const memory = new RequestMemory(10);
    memory.hold(10);
    let granted = false;
    const grant = () => (granted = true);
    memory.reserve(5, grant);
    memory.cancel(grant);
    memory.release(10);
    assert.equal(granted, false);
    assert.equal(memory.waitingCount, 0);
    const unbounded = new RequestMemory(-1);
    unbounded.hold(1e12);
    assert.equal(unbounded.reserve(1e9, () => undefined), true);
  });
});
